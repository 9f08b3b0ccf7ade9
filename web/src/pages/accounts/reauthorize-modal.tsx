// Re-authorise an OAuth account (after a revoked or lost refresh token): a new sign-in replaces its tokens.
import {
  AccountsPageOAuthReauthorizeDocument,
  type AccountsPageSettingsFragment,
} from '@clients/generated/graphql/graphql';
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { type FormEvent, useEffect } from 'react';
import { useMutation } from '../../app/use-graphql';
import { ErrorNotice } from '../../components/page';
import { codeError, OAuthCodePanel, useOAuthSignIn } from './oauth-flow';

export function ReauthorizeModal(props: {
  account: { id: string; name: string };
  opened: boolean;
  onClose: () => void;
  onDone: (account: AccountsPageSettingsFragment) => void;
}) {
  const { account } = props;
  const oauth = useOAuthSignIn();
  const reauthorize = useMutation(AccountsPageOAuthReauthorizeDocument);
  const { begin, session } = oauth;

  // Opening the dialog starts the sign-in: the account's own kind, so there is nothing to choose first.
  useEffect(() => {
    if (props.opened && !session) void begin({ accountId: account.id });
  }, [props.opened, session, begin, account.id]);

  const close = () => {
    oauth.clear();
    reauthorize.reset();
    props.onClose();
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!oauth.session) return;
    const result = await reauthorize.run({
      accountId: account.id,
      sessionId: oauth.session.sessionId,
      code: oauth.code.trim(),
    });
    if (result) {
      props.onDone(result.reauthorizeAccountOAuth);
      close();
    }
  };
  const pasteError = codeError(reauthorize.fieldErrors);
  const startError = oauth.start.error;

  return (
    <Modal opened={props.opened} onClose={close} title={`Re-authorize ${account.name}`} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Text size="sm">
            Sign in again with the same account; the new tokens replace the old ones and the account goes back
            into service. Its settings stay as they are.
          </Text>
          {startError ? (
            <ErrorNotice
              error={startError}
              title="The sign-in could not start"
              retry={() => void begin({ accountId: account.id })}
            />
          ) : null}
          {oauth.session ? (
            <OAuthCodePanel
              session={oauth.session}
              code={oauth.code}
              onCodeChange={oauth.setCode}
              error={pasteError}
              onRestart={() => {
                reauthorize.reset();
                void begin({ accountId: account.id });
              }}
              restarting={oauth.start.running}
            />
          ) : startError ? null : (
            <Text size="sm" c="dimmed" aria-busy="true">
              Starting the sign-in…
            </Text>
          )}
          {reauthorize.error && !pasteError ? (
            <ErrorNotice error={reauthorize.error} title="The sign-in failed; start over to sign in again" />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button
              type="submit"
              loading={reauthorize.running}
              disabled={!oauth.session || oauth.code.trim() === '' || reauthorize.running}
            >
              Finish sign-in
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
