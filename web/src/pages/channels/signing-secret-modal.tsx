// The signing secret the server generated for a new webhook channel: shown this once, with a copy button.
import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';

export function SigningSecretModal(props: {
  secret: string | undefined;
  channelName: string;
  onClose: () => void;
}) {
  return (
    <Modal
      opened={props.secret !== undefined}
      onClose={props.onClose}
      title={`Signing secret of ${props.channelName}`}
      closeOnClickOutside={false}
    >
      <Stack gap="sm">
        <Alert color="yellow" role="status">
          This is the only time the secret is shown. Give it to the receiver now: it verifies each delivery's
          signature with it (Standard Webhooks).
        </Alert>
        <Code block data-testid="signing-secret" style={{ wordBreak: 'break-all' }}>
          {props.secret}
        </Code>
        <Group justify="space-between">
          <CopyButton value={props.secret ?? ''}>
            {({ copied, copy }) => (
              <Button color={copied ? 'teal' : 'blue'} onClick={copy}>
                {copied ? 'Copied' : 'Copy secret'}
              </Button>
            )}
          </CopyButton>
          <Button variant="default" onClick={props.onClose}>
            I have saved it
          </Button>
        </Group>
        <Text size="xs" c="dimmed">
          Lost it? Edit the channel and enter a new whsec_… secret.
        </Text>
      </Stack>
    </Modal>
  );
}
