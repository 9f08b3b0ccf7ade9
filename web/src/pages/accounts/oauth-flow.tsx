// The OAuth sign-in steps both new and re-authorised accounts go through: start (a URL and a session), open
// the URL, paste back what the sign-in gave (code or callback URL), then the caller's exchange.
import {
  AccountsPageOAuthStartDocument,
  type AccountsPageOAuthStartMutation,
  type AccountsPageOAuthStartMutationVariables,
  type OAuthAccountType,
} from '@clients/generated/graphql/graphql';
import { Alert, Anchor, Button, Code, CopyButton, Group, Stack, Text, TextInput } from '@mantine/core';
import { useCallback, useState } from 'react';
import { useMutation } from '../../app/use-graphql';
import { formatRelative, formatTime } from '../../components/format';
import { SIGN_IN_HINTS } from './account-kinds';

export type OAuthSession = AccountsPageOAuthStartMutation['startAccountOAuth'];

/** A started sign-in and the code pasted for it; `begin` starts one (again), `clear` forgets it. */
export function useOAuthSignIn() {
  const start = useMutation(AccountsPageOAuthStartDocument);
  const [session, setSession] = useState<OAuthSession | undefined>();
  const [code, setCode] = useState('');
  const { run, reset } = start;
  // Stable, so a dialog can start a sign-in from an effect without starting it again on every render.
  const begin = useCallback(
    async (variables: AccountsPageOAuthStartMutationVariables) => {
      const result = await run(variables);
      if (result) {
        setSession(result.startAccountOAuth);
        setCode('');
      }
      return result?.startAccountOAuth;
    },
    [run],
  );
  const clear = useCallback(() => {
    setSession(undefined);
    setCode('');
    reset();
  }, [reset]);
  return { start, session, code, setCode, begin, clear };
}

/** Step 1: the sign-in page to open; step 2: the field to paste into. */
export function OAuthCodePanel(props: {
  session: OAuthSession;
  code: string;
  onCodeChange: (code: string) => void;
  /** The server's refusal of the pasted code or the session. */
  error: string | undefined;
  onRestart: () => void;
  restarting: boolean;
}) {
  const { session } = props;
  const hint = SIGN_IN_HINTS[session.type];
  return (
    <Stack gap="sm">
      <Alert color="blue" title={`1. Sign in with ${hint.provider}`}>
        <Stack gap="xs">
          <Text size="sm">
            Open the sign-in page in a new tab and sign in with the account this relay should use.{' '}
            <Anchor href={session.authorizationUrl} target="_blank" rel="noreferrer" fw={600}>
              Open the {hint.provider} sign-in page
            </Anchor>
          </Text>
          <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
            {session.authorizationUrl}
          </Code>
          <Group gap="xs">
            <CopyButton value={session.authorizationUrl}>
              {({ copied, copy }) => (
                <Button size="xs" variant="light" onClick={copy}>
                  {copied ? 'Copied' : 'Copy link'}
                </Button>
              )}
            </CopyButton>
            <Button size="xs" variant="subtle" onClick={props.onRestart} loading={props.restarting}>
              Start over
            </Button>
          </Group>
          <Text size="xs" c="dimmed" title={formatTime(session.expiresAt)}>
            This sign-in expires {formatRelative(session.expiresAt)}.
          </Text>
        </Stack>
      </Alert>
      <TextInput
        label="Code or callback URL"
        description={`2. ${hint.paste}`}
        required
        autoComplete="off"
        value={props.code}
        onChange={(event) => props.onCodeChange(event.currentTarget.value)}
        error={props.error}
      />
    </Stack>
  );
}

/** What the exchange mutations name when they refuse the paste: the code, or the (expired) session. */
export function codeError(fieldErrors: Record<string, string>): string | undefined {
  return fieldErrors.code ?? fieldErrors.sessionId;
}

export function providerOf(type: OAuthAccountType): string {
  return SIGN_IN_HINTS[type].provider;
}
