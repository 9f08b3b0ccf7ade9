// The verification page's second step: what is asking to sign in (application, user agent, address, when, how
// long the code has left), which of the person's own keys it will use, and Approve or Deny.
import {
  DevicePageApproveDocument,
  DevicePageDenyDocument,
  DevicePageOwnKeysDocument,
  type GatewaySignInFieldsFragment,
} from '@clients/generated/graphql/graphql';
import { Alert, Button, Code, Group, Paper, Select, Stack, Table, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useSession } from '../../app/session';
import { useMutation, useQuery } from '../../app/use-graphql';
import { useNow } from '../../components/account-live-state';
import { errorAt } from '../../components/field-errors';
import { formatRelative, formatTime } from '../../components/format';
import { countdown, surfaceName } from '../devices/device-text';
import { signInProblem } from './sign-in-errors';

type SignIn = GatewaySignInFieldsFragment;

/** The chooser's value for "no key named": the server binds the user's default gateway key. */
const DEFAULT_KEY = 'default';
const DEFAULT_KEY_LABEL = 'My default sign-in key (created on first use)';
/** More keys than anyone chooses from; the default key covers whoever has none of them enabled. */
const KEY_LIMIT = 200;

function useOwnKeyOptions(now: number) {
  const me = useSession()?.user.id ?? '';
  const keys = useQuery(DevicePageOwnKeysDocument, { ownerId: me, first: KEY_LIMIT }, { skip: !me });
  const nodes = keys.data?.apiKeys.nodes;
  const options = useMemo(() => {
    // Keys the device could not use: switched off, or past their fixed end.
    const usable = (nodes ?? []).filter(
      (key) => key.enabled && !(key.expiry.expiresAt && new Date(key.expiry.expiresAt).getTime() <= now),
    );
    return [
      { value: DEFAULT_KEY, label: DEFAULT_KEY_LABEL },
      ...usable.map((key) => ({ value: key.id, label: `${key.name} (${key.hint})` })),
    ];
  }, [nodes, now]);
  return { options, error: keys.error };
}

function Facts(props: { signIn: SignIn; now: number }) {
  const { signIn, now } = props;
  const expired = new Date(signIn.expiresAt).getTime() <= now;
  const rows: Array<[string, React.ReactNode]> = [
    [
      'Code',
      <Code key="code" fz="lg" data-testid="sign-in-code">
        {signIn.userCode}
      </Code>,
    ],
    [
      'Application',
      <Text key="surface" size="sm" data-testid="sign-in-surface">
        {surfaceName(signIn.surface)}
        {signIn.surface ? (
          <>
            {' '}
            <Code>{signIn.surface}</Code>
          </>
        ) : null}
      </Text>,
    ],
    ['User agent', signIn.userAgent ?? '—'],
    ['Started from', signIn.address ?? '—'],
    ['Requested', `${formatTime(signIn.requestedAt)} (${formatRelative(signIn.requestedAt, now)})`],
    [
      'Code expires',
      <Text key="expires" size="sm" c={expired ? 'red' : undefined} data-testid="sign-in-expiry">
        {expired
          ? `Expired at ${formatTime(signIn.expiresAt)}`
          : `In ${countdown(signIn.expiresAt, now)} (${formatTime(signIn.expiresAt)})`}
      </Text>,
    ],
  ];
  return (
    <Table variant="vertical" layout="fixed" withTableBorder aria-label="The device asking to sign in">
      <Table.Tbody>
        {rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th w={140}>{label}</Table.Th>
            <Table.Td style={{ wordBreak: 'break-word' }}>{value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function SignInReview(props: {
  signIn: SignIn;
  /** `keyLabel` names the key bound, for the sentence "… uses <keyLabel>". */
  onApproved: (keyLabel: string) => void;
  onDenied: () => void;
  onOtherCode: () => void;
}) {
  const { signIn } = props;
  const now = useNow(1_000);
  const expired = new Date(signIn.expiresAt).getTime() <= now;
  const keys = useOwnKeyOptions(now);
  const [keyChoice, setKeyChoice] = useState(DEFAULT_KEY);
  const approve = useMutation(DevicePageApproveDocument);
  const deny = useMutation(DevicePageDenyDocument);
  const busy = approve.running || deny.running;

  const keyError = errorAt(approve.fieldErrors, 'keyId');
  const failed = approve.error && !keyError ? approve.error : deny.error;
  const problem = failed
    ? signInProblem(failed, failed === approve.error && keyChoice === DEFAULT_KEY)
    : undefined;
  const decided = problem?.final ?? false;

  const runApprove = async () => {
    deny.reset();
    const keyId = keyChoice === DEFAULT_KEY ? null : keyChoice;
    const result = await approve.run({ userCode: signIn.userCode, keyId });
    const chosen = keys.options.find((option) => option.value === keyChoice);
    const label = keyId && chosen ? `the key “${chosen.label}”` : 'your default sign-in key';
    if (result) props.onApproved(label);
  };
  const runDeny = async () => {
    approve.reset();
    const result = await deny.run({ userCode: signIn.userCode });
    if (result) props.onDenied();
  };

  return (
    <Paper withBorder p="lg" maw={720}>
      <Stack>
        <Text size="sm">
          Check that this code is the one your terminal shows. Approve only a sign-in you started yourself:
          the device will use the relay as you, with the key you choose.
        </Text>
        <Facts signIn={signIn} now={now} />
        <Select
          label="Key for this device"
          description="Its requests count against this key's limits and show up in its usage."
          data={keys.options}
          value={keyChoice}
          onChange={(value) => {
            setKeyChoice(value ?? DEFAULT_KEY);
            approve.reset();
          }}
          allowDeselect={false}
          searchable={keys.options.length > 8}
          maw={480}
          error={
            keyError ?? (keys.error ? `Your keys could not be listed: ${keys.error.message}` : undefined)
          }
          disabled={busy || decided}
        />
        {problem ? (
          <Alert color="red" title={problem.title} role="alert">
            <Stack gap={4}>
              <Text size="sm">{problem.message}</Text>
              {problem.advice ? <Text size="sm">{problem.advice}</Text> : null}
            </Stack>
          </Alert>
        ) : null}
        {expired && !problem ? (
          <Alert color="yellow" title="This code has expired" role="status">
            Run /login in Claude Code again to get a new code.
          </Alert>
        ) : null}
        <Group>
          <Button
            onClick={() => void runApprove()}
            loading={approve.running}
            disabled={busy || expired || decided}
          >
            Approve
          </Button>
          <Button
            color="red"
            variant="light"
            onClick={() => void runDeny()}
            loading={deny.running}
            disabled={busy || expired || decided}
          >
            Deny
          </Button>
          <Button variant="subtle" onClick={props.onOtherCode} disabled={busy}>
            Enter another code
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
