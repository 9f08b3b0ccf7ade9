// "Add account": any type with its settings and secrets, or for subscription types the OAuth sign-in.
import {
  AccountsPageCreateDocument,
  AccountsPageOAuthExchangeDocument,
  type AccountType,
} from '@clients/generated/graphql/graphql';
import { Button, Group, Modal, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useMutation } from '../../app/use-graphql';
import { ErrorNotice } from '../../components/page';
import {
  type CredentialValues,
  createInputOf,
  emptyCredentials,
  emptySettings,
  oauthInputOf,
  type SettingsValues,
} from './account-form-values';
import { ACCOUNT_KINDS, ACCOUNT_TYPE_ORDER, isOAuthType, PLATFORMS } from './account-kinds';
import { CredentialFields } from './credential-fields';
import { codeError, OAuthCodePanel, providerOf, useOAuthSignIn } from './oauth-flow';
import { SettingsFields } from './settings-fields';

const TYPE_OPTIONS = PLATFORMS.map((platform) => ({
  group: platform,
  items: ACCOUNT_TYPE_ORDER.filter((type) => ACCOUNT_KINDS[type].platform === platform).map((type) => ({
    value: type,
    label: ACCOUNT_KINDS[type].label,
  })),
}));

function isAccountType(value: string | null): value is AccountType {
  return value !== null && Object.hasOwn(ACCOUNT_KINDS, value);
}

/** The exchange names its settings `account.<field>`; the form keys them by the field alone. */
function withoutPrefix(errors: Record<string, string>, prefix: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(errors).map(([field, message]) => [
      field.startsWith(prefix) ? field.slice(prefix.length) : field,
      message,
    ]),
  );
}

export function CreateAccountModal(props: { opened: boolean; onClose: () => void; onCreated: () => void }) {
  const [type, setType] = useState<AccountType | undefined>();
  const [mode, setMode] = useState<'sign-in' | 'tokens'>('sign-in');
  const [settings, setSettings] = useState<SettingsValues>(emptySettings);
  const [secrets, setSecrets] = useState<CredentialValues>(emptyCredentials);
  const create = useMutation(AccountsPageCreateDocument);
  const exchange = useMutation(AccountsPageOAuthExchangeDocument);
  const oauth = useOAuthSignIn();

  const signingIn = type !== undefined && isOAuthType(type) && mode === 'sign-in';
  const active = signingIn ? (oauth.session ? exchange : oauth.start) : create;
  const fieldErrors = withoutPrefix(active.fieldErrors, 'account.');
  const running = create.running || exchange.running || oauth.start.running;

  const close = () => {
    setType(undefined);
    setMode('sign-in');
    setSettings(emptySettings());
    setSecrets(emptyCredentials());
    create.reset();
    exchange.reset();
    oauth.clear();
    props.onClose();
  };
  const done = () => {
    close();
    props.onCreated();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!type || running) return;
    if (!signingIn) {
      if (await create.run({ input: createInputOf(type, settings, secrets) })) done();
      return;
    }
    if (!isOAuthType(type)) return;
    if (!oauth.session) {
      exchange.reset();
      await oauth.begin({ type, name: settings.name.trim() || undefined });
      return;
    }
    const created = await exchange.run({
      sessionId: oauth.session.sessionId,
      code: oauth.code.trim(),
      account: oauthInputOf(settings),
    });
    if (created) done();
  };

  // The exchange uses the session up unless it refused the settings before trying the code.
  const pasteError = codeError(exchange.fieldErrors);
  const settingsRefused = Object.keys(exchange.fieldErrors).some((field) => field.startsWith('account.'));
  const usedUp = exchange.error !== undefined && !settingsRefused;
  const hasFieldError = Object.keys(active.fieldErrors).length > 0;

  return (
    <Modal opened={props.opened} onClose={close} title="Add account" size="xl">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Select
            label="Account type"
            placeholder="Pick the kind of upstream account"
            data={TYPE_OPTIONS}
            value={type ?? null}
            onChange={(value) => {
              setType(isAccountType(value) ? value : undefined);
              oauth.clear();
              create.reset();
              exchange.reset();
            }}
            allowDeselect={false}
            required
            data-autofocus
          />
          {type ? (
            <Text size="sm" c="dimmed">
              {ACCOUNT_KINDS[type].description} Pool: {ACCOUNT_KINDS[type].platform}.
            </Text>
          ) : (
            <Text size="sm" c="dimmed">
              Subscription accounts (Claude, ChatGPT, Google) are added by signing in; the others take an API
              key or a token.
            </Text>
          )}
          {type && isOAuthType(type) ? (
            <SegmentedControl
              aria-label="How to add the account"
              value={mode}
              onChange={(value) => {
                setMode(value === 'tokens' ? 'tokens' : 'sign-in');
                oauth.clear();
              }}
              data={[
                { value: 'sign-in', label: `Sign in with ${providerOf(type)}` },
                { value: 'tokens', label: 'Paste tokens' },
              ]}
            />
          ) : null}
          {type ? (
            <SettingsFields
              type={type}
              values={settings}
              onChange={setSettings}
              fieldErrors={fieldErrors}
              nameOptional={signingIn}
            />
          ) : null}
          {type && !signingIn ? (
            <CredentialFields type={type} values={secrets} onChange={setSecrets} fieldErrors={fieldErrors} />
          ) : null}
          {signingIn && oauth.session ? (
            <OAuthCodePanel
              session={oauth.session}
              code={oauth.code}
              onCodeChange={oauth.setCode}
              error={
                pasteError && usedUp
                  ? `${pasteError} Start over to sign in again.`
                  : (pasteError ?? undefined)
              }
              onRestart={() => {
                exchange.reset();
                if (type && isOAuthType(type))
                  void oauth.begin({ type, name: settings.name.trim() || undefined });
              }}
              restarting={oauth.start.running}
            />
          ) : null}
          {active.error && !hasFieldError ? (
            <ErrorNotice
              error={active.error}
              title={usedUp ? 'The sign-in failed; start over to sign in again' : 'The account was not added'}
            />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button
              type="submit"
              loading={running}
              disabled={
                !type || running || (signingIn && oauth.session !== undefined && oauth.code.trim() === '')
              }
            >
              {!signingIn ? 'Add account' : oauth.session ? 'Finish sign-in' : 'Start sign-in'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
