// An account's live state as the scheduler sees it: coloured badges, and how a state-change event updates it.
import type {
  AccountStateChangesSubscription,
  AccountsPageLiveFragment,
} from '@clients/generated/graphql/graphql';
import { Badge, Group, Stack, Text, Tooltip } from '@mantine/core';
import { useInterval } from '@mantine/hooks';
import { useState } from 'react';
import { formatRelative, formatTime } from './format';

export type StateEvent = AccountStateChangesSubscription['accountStateChanges'];

const COLORS: Record<string, string> = {
  active: 'green',
  cooling: 'yellow',
  rate_limited: 'orange',
  quota_exhausted: 'red',
  auth_failed: 'red',
  disabled: 'gray',
};

export function stateColor(kind: string): string {
  return COLORS[kind] ?? 'gray';
}

export function stateLabel(kind: string): string {
  return kind.replaceAll('_', ' ');
}

/** The current time, again every `everyMs`: timed states end by themselves, and "in 3 minutes" moves on. */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(Date.now);
  useInterval(() => setNow(Date.now()), everyMs, { autoInvoke: true });
  return now;
}

/** A timed state whose time has passed reads active, as the server reads it. */
export function effectiveKind(live: AccountsPageLiveFragment, now: number): string {
  if (live.kind === 'active' || live.kind === 'auth_failed' || !live.until) return live.kind;
  return new Date(live.until).getTime() <= now ? 'active' : live.kind;
}

/** The state after `event`: a family limit adds to the list; a move to active clears the limits. */
export function applyStateEvent(live: AccountsPageLiveFragment, event: StateEvent): AccountsPageLiveFragment {
  if (event.family) {
    if (!event.until) return live;
    const others = live.familyLimits.filter((limit) => limit.family !== event.family);
    return { ...live, familyLimits: [...others, { family: event.family, until: event.until }] };
  }
  if (event.to === 'active') return { ...live, kind: 'active', until: null, reason: null, familyLimits: [] };
  return { ...live, kind: event.to, until: event.until, reason: event.reason };
}

/** The state badge with its end and reason; disabled accounts say so whatever the scheduler state. */
export function LiveStateBadge(props: {
  live: AccountsPageLiveFragment;
  enabled: boolean;
  now: number;
  /** Also the reason and end as text under the badges (the list); otherwise only as a tooltip. */
  detailed?: boolean;
}) {
  const { live, now } = props;
  const kind = props.enabled ? effectiveKind(live, now) : 'disabled';
  const limits = live.familyLimits.filter((limit) => new Date(limit.until).getTime() > now);
  const ends = kind !== 'active' && kind !== 'disabled' && live.until ? live.until : undefined;
  const tooltip = [live.reason, ends ? `until ${formatTime(ends)}` : undefined].filter(Boolean).join(' — ');
  return (
    <Stack gap={2}>
      <Group gap={4} wrap="wrap">
        <Tooltip label={tooltip} disabled={tooltip === '' || kind === 'active'} withArrow>
          <Badge color={stateColor(kind)} variant="light" data-state={kind}>
            {stateLabel(kind)}
          </Badge>
        </Tooltip>
        {limits.map((limit) => (
          <Tooltip key={limit.family} label={`until ${formatTime(limit.until)}`} withArrow>
            <Badge color="orange" variant="outline" size="sm">
              {limit.family} limited
            </Badge>
          </Tooltip>
        ))}
        {live.lowHeadroom && kind === 'active' ? (
          <Badge color="yellow" variant="outline" size="sm">
            low headroom
          </Badge>
        ) : null}
      </Group>
      {props.detailed && kind !== 'active' && kind !== 'disabled' ? (
        <Text size="xs" c="dimmed">
          {ends ? `ends ${formatRelative(ends, now)}` : null}
          {ends && live.reason ? ' · ' : null}
          {live.reason}
        </Text>
      ) : null}
    </Stack>
  );
}

/** Family limits as a list, for the account page. */
export function FamilyLimitList(props: { live: AccountsPageLiveFragment; now: number }) {
  const limits = props.live.familyLimits.filter((limit) => new Date(limit.until).getTime() > props.now);
  if (limits.length === 0) return <Text size="sm">None</Text>;
  return (
    <Stack gap={2}>
      {limits.map((limit) => (
        <Text size="sm" key={limit.family}>
          <b>{limit.family}</b>: rate-limited until {formatTime(limit.until)} (
          {formatRelative(limit.until, props.now)})
        </Text>
      ))}
    </Stack>
  );
}
