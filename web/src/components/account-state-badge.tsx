// An account's live state as a coloured badge: green serving, yellow cooling down, red needs attention.
import { Badge, Tooltip } from '@mantine/core';
import { formatRelative } from './format';

const COLORS: Record<string, string> = {
  active: 'green',
  cooling: 'yellow',
  rate_limited: 'orange',
  quota_exhausted: 'red',
  auth_failed: 'red',
  disabled: 'gray',
};

export function AccountStateBadge(props: {
  kind: string;
  until?: string | null | undefined;
  reason?: string | null | undefined;
}) {
  const label = props.kind.replace(/_/g, ' ');
  const detail = [props.reason, props.until ? `until ${formatRelative(props.until)}` : undefined]
    .filter(Boolean)
    .join(', ');
  const badge = (
    <Badge color={COLORS[props.kind] ?? 'gray'} variant="light" data-state={props.kind}>
      {label}
    </Badge>
  );
  return detail ? <Tooltip label={detail}>{badge}</Tooltip> : badge;
}
