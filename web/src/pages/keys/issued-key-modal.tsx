// Role: shows a newly created or rotated key's plaintext, the one time the server hands it out, with a copy
// button. The plaintext lives only in the caller's state and is dropped when this closes: never in the URL or
// in storage.
import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';

export interface IssuedKey {
  name: string;
  plaintext: string;
  /** Rotated: the old plaintext has stopped working. */
  rotated: boolean;
}

export function IssuedKeyModal(props: { issued: IssuedKey | undefined; onClose: () => void }) {
  const { issued } = props;
  return (
    <Modal
      opened={issued !== undefined}
      onClose={props.onClose}
      title={issued?.rotated ? 'Key rotated' : 'Key created'}
      size="lg"
      // A stray click outside must not throw away the only copy of the key.
      closeOnClickOutside={false}
    >
      {issued ? (
        <Stack gap="md">
          <Alert color="yellow" title="Copy the key now" role="status">
            This is the only time the full key for “{issued.name}” is shown. It will not be shown again; if it
            is lost, rotate the key to get a new one.
            {issued.rotated ? ' The previous key has stopped working.' : ''}
          </Alert>
          <Code block data-testid="issued-key" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
            {issued.plaintext}
          </Code>
          <Group justify="space-between">
            <CopyButton value={issued.plaintext} timeout={2000}>
              {({ copied, copy }) => (
                <Group gap="xs">
                  <Button color={copied ? 'teal' : undefined} onClick={copy}>
                    Copy key
                  </Button>
                  <Text size="sm" c="teal" role="status" aria-live="polite">
                    {copied ? 'Copied to the clipboard' : ''}
                  </Text>
                </Group>
              )}
            </CopyButton>
            <Button variant="default" onClick={props.onClose}>
              I have saved it
            </Button>
          </Group>
        </Stack>
      ) : null}
    </Modal>
  );
}
