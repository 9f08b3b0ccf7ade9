// "Send test": queues a test notification, then follows its delivery until the first attempt has an outcome.
import {
  ChannelsPageDeliveryDocument,
  type ChannelsPageDeliveryQuery,
  TestNotificationChannelDocument,
} from '@clients/generated/graphql/graphql';
import { Alert, Button, Group, Loader, Text } from '@mantine/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../app/api';
import { useMutation } from '../../app/use-graphql';

type Delivery = NonNullable<ChannelsPageDeliveryQuery['notificationDelivery']>;

export interface TestOutcome {
  channelName: string;
  /** sending: queued and not settled yet; gave-up: still pending when the page stopped asking. */
  state: 'sending' | 'settled' | 'gave-up' | 'error';
  delivery?: Delivery;
  message?: string;
}

/** The worker picks deliveries up within a second or two; a slow receiver can take its timeout (~10 s). */
const POLL_INTERVAL_MS = 1_000;
const POLL_ATTEMPTS = 30;
const SETTLED = new Set(['delivered', 'failed', 'retrying']);

export function useChannelTest() {
  const test = useMutation(TestNotificationChannelDocument);
  const [outcome, setOutcome] = useState<TestOutcome | undefined>();
  const [testingId, setTestingId] = useState<string | undefined>();
  // Only the latest test reports; an earlier one still polling is dropped (and all of them on unmount).
  const generation = useRef(0);
  useEffect(() => () => void generation.current++, []);

  const run = useCallback(
    async (channel: { id: string; name: string }, onSettled?: () => void) => {
      const mine = ++generation.current;
      const current = () => mine === generation.current;
      setTestingId(channel.id);
      setOutcome({ channelName: channel.name, state: 'sending' });
      try {
        const queued = await test.run({ id: channel.id });
        if (!current()) return;
        if (!queued) {
          setOutcome({ channelName: channel.name, state: 'error', message: 'The test could not be queued.' });
          return;
        }
        const id = queued.testNotificationChannel.deliveryId;
        for (let attempt = 0; attempt < POLL_ATTEMPTS; attempt++) {
          await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
          if (!current()) return;
          const { notificationDelivery: delivery } = await api.request(ChannelsPageDeliveryDocument, { id });
          if (!current()) return;
          if (delivery && SETTLED.has(delivery.status)) {
            setOutcome({ channelName: channel.name, state: 'settled', delivery });
            onSettled?.();
            return;
          }
          if (delivery) setOutcome({ channelName: channel.name, state: 'sending', delivery });
        }
        setOutcome((last) => ({ ...(last ?? { channelName: channel.name }), state: 'gave-up' }));
      } catch (caught) {
        if (current()) {
          const message = caught instanceof Error ? caught.message : String(caught);
          setOutcome({ channelName: channel.name, state: 'error', message });
        }
      } finally {
        if (current()) setTestingId(undefined);
      }
    },
    [test.run],
  );

  return { run, outcome, testingId, error: test.error, dismiss: () => setOutcome(undefined) };
}

export function TestButton(props: { testing: boolean; busy: boolean; onClick: () => void; name: string }) {
  return (
    <Button
      size="xs"
      variant="light"
      loading={props.testing}
      disabled={props.busy}
      onClick={props.onClick}
      aria-label={`Send test to ${props.name}`}
    >
      Send test
    </Button>
  );
}

/** The latest test's outcome, above the table or the channel's settings. */
export function TestOutcomeNotice(props: {
  outcome: TestOutcome | undefined;
  error?: Error;
  onClose: () => void;
}) {
  const { outcome } = props;
  if (!outcome) return null;
  const status = outcome.delivery?.status;
  const color =
    outcome.state === 'error' || status === 'failed'
      ? 'red'
      : status === 'delivered'
        ? 'green'
        : status === 'retrying' || outcome.state === 'gave-up'
          ? 'yellow'
          : 'blue';
  return (
    <Alert
      color={color}
      title={`Test to ${outcome.channelName}`}
      withCloseButton
      closeButtonLabel="Dismiss"
      onClose={props.onClose}
      role="status"
      mb="md"
      data-testid="channel-test-outcome"
    >
      <Group gap="xs" wrap="nowrap">
        {outcome.state === 'sending' ? <Loader size="xs" aria-label="Sending" /> : null}
        <Text size="sm">{describe(outcome, props.error)}</Text>
      </Group>
    </Alert>
  );
}

function describe(outcome: TestOutcome, error: Error | undefined): string {
  const delivery = outcome.delivery;
  const result = delivery?.lastResult ? ` (${delivery.lastResult})` : '';
  switch (outcome.state) {
    case 'error':
      return error?.message ?? outcome.message ?? 'The test failed.';
    case 'sending':
      return delivery ? `${capitalize(delivery.status)}…${result}` : 'Queued; waiting for the first attempt…';
    case 'gave-up':
      return `Still ${delivery?.status ?? 'queued'} after ${POLL_ATTEMPTS} s${result}; see the channel's delivery log.`;
    case 'settled':
      if (delivery?.status === 'delivered') return `Delivered${result}.`;
      if (delivery?.status === 'retrying') return `The first attempt failed${result}; the relay retries it.`;
      return `Failed${result}.`;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
