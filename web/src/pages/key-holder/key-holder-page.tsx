// For whoever holds a relay key and no account: the key's limits, spend, resets and recent requests. The key
// is held in this component's memory only and sent only to this relay (never to the URL or storage).
import { KeyHolderDocument, type KeyHolderQuery } from '@clients/generated/graphql/graphql';
import { Anchor, Button, Container, Group, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { keyHolderClient } from '../../app/api';
import { formatCost, formatCount } from '../../components/format';
import { KeyLimitsView } from '../../components/key-limits';
import { ErrorNotice } from '../../components/page';
import { RecentRequests } from './recent-requests';

const DAY = 86_400_000;

export default function KeyHolderPage() {
  const [input, setInput] = useState('');
  const [view, setView] = useState<KeyHolderQuery['myApiKey'] | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const [relayKey, setRelayKey] = useState<string | undefined>();

  const load = async (key: string) => {
    setBusy(true);
    setError(undefined);
    try {
      const to = new Date();
      const result = await keyHolderClient(key).request(KeyHolderDocument, {
        from: new Date(to.getTime() - 30 * DAY).toISOString(),
        to: to.toISOString(),
      });
      setView(result.myApiKey);
      setRelayKey(key);
      setInput('');
    } catch (caught) {
      setView(undefined);
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    } finally {
      setBusy(false);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void load(input.trim());
  };
  const forget = () => {
    setView(undefined);
    setRelayKey(undefined);
  };

  return (
    <Container size="md" py="xl">
      <Stack>
        <Group justify="space-between">
          <Title order={2}>Your relay key</Title>
          <Anchor component={Link} to="/sign-in" size="sm">
            Sign in to the dashboard
          </Anchor>
        </Group>
        {view && relayKey ? (
          <KeyView view={view} onRefresh={() => void load(relayKey)} onForget={forget} busy={busy} />
        ) : (
          <Paper withBorder p="lg">
            <form onSubmit={submit} autoComplete="off">
              <Stack>
                <Text size="sm" c="dimmed">
                  Enter a relay key to see its limits, spend and latest requests. The key is sent only to this
                  relay and is forgotten when you leave the page.
                </Text>
                <PasswordInput
                  label="Relay key"
                  name="relay-key"
                  autoComplete="off"
                  value={input}
                  onChange={(event) => setInput(event.currentTarget.value)}
                  error={error?.message}
                />
                <Button type="submit" loading={busy} disabled={!input.trim()}>
                  Show usage
                </Button>
              </Stack>
            </form>
          </Paper>
        )}
        {view && error ? <ErrorNotice error={error} /> : null}
      </Stack>
    </Container>
  );
}

function KeyView(props: {
  view: KeyHolderQuery['myApiKey'];
  onRefresh: () => void;
  onForget: () => void;
  busy: boolean;
}) {
  const { key, limits, usage, recentRequests } = props.view;
  return (
    <Stack>
      <Paper withBorder p="md">
        <Group justify="space-between">
          <Stack gap={2}>
            <Text fw={700} size="lg">
              {key.name}
            </Text>
            <Text size="sm" c="dimmed" ff="monospace">
              {key.hint} · {key.enabled ? 'enabled' : 'disabled'}
              {key.platforms.length > 0 ? ` · ${key.platforms.join(', ')}` : ''}
            </Text>
          </Stack>
          <Group gap="xs">
            <Button variant="default" onClick={props.onRefresh} loading={props.busy}>
              Refresh
            </Button>
            <Button variant="subtle" onClick={props.onForget}>
              Use another key
            </Button>
          </Group>
        </Group>
        <Group mt="md" gap="xl">
          <Stack gap={0}>
            <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
              Spend, last 30 days
            </Text>
            <Text fz={24} fw={700} data-testid="holder-spend">
              {formatCost(usage.totals.costMicros)}
            </Text>
          </Stack>
          <Stack gap={0}>
            <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
              Requests
            </Text>
            <Text fz={24} fw={700} data-testid="holder-requests">
              {formatCount(usage.totals.requests)}
            </Text>
          </Stack>
          <Stack gap={0}>
            <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
              Tokens in / out
            </Text>
            <Text fz={24} fw={700}>
              {formatCount(usage.totals.inputTokens)} / {formatCount(usage.totals.outputTokens)}
            </Text>
          </Stack>
        </Group>
      </Paper>
      <Title order={4}>Limits</Title>
      <Paper withBorder p="md">
        <KeyLimitsView usage={limits} noLimits="Its spend is counted all the same." />
      </Paper>
      <Title order={4}>Latest requests</Title>
      <RecentRequests requests={recentRequests} />
    </Stack>
  );
}
