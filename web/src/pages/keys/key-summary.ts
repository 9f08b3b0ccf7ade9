// Role: short words for a key's limits and expiry, for the key list and the key page.
import type { KeysPageKeyFieldsFragment } from '@clients/generated/graphql/graphql';
import { formatCost, formatCount, formatRelative, formatSeconds, formatTime } from '../../components/format';
import { PLATFORMS } from './key-form-values';

type Key = KeysPageKeyFieldsFragment;

/** "30 s", "5 min", "2 h", "7 d": a window or an active period. */
/** Each limit the key has, e.g. ["$5.00/day", "4 at once", "60 requests/1 min"]; empty when it has none. */
export function limitParts(key: Key): string[] {
  const { limits } = key;
  const parts: string[] = [];
  if (limits.dailyCostMicros != null) parts.push(`${formatCost(limits.dailyCostMicros)}/day`);
  if (limits.weeklyCostMicros != null) parts.push(`${formatCost(limits.weeklyCostMicros)}/week`);
  if (limits.monthlyCostMicros != null) parts.push(`${formatCost(limits.monthlyCostMicros)}/month`);
  if (limits.totalCostMicros != null) parts.push(`${formatCost(limits.totalCostMicros)} total`);
  const family = limits.weeklyCostMicrosByFamily;
  if (family) {
    for (const [name, micros] of Object.entries(family)) {
      if (typeof micros === 'number') parts.push(`${formatCost(micros)}/week ${name}`);
    }
  }
  if (limits.concurrency != null) parts.push(`${limits.concurrency} at once`);
  const window = limits.window;
  if (window) {
    const per = `/${formatSeconds(window.seconds)}`;
    if (window.requests != null) parts.push(`${formatCount(window.requests)} requests${per}`);
    if (window.tokens != null) parts.push(`${formatCount(window.tokens)} tokens${per}`);
    if (window.costMicros != null) parts.push(`${formatCost(window.costMicros)}${per}`);
  }
  return parts;
}

export function expiryText(key: Key): string {
  const { expiry } = key;
  if (expiry.kind === 'fixed') {
    return `${formatTime(expiry.expiresAt)} (${formatRelative(expiry.expiresAt)})`;
  }
  if (expiry.kind === 'after_first_use') {
    return `${formatSeconds(expiry.durationSeconds ?? 0)} after first use`;
  }
  return 'Never';
}

/** Whether a fixed expiry has passed: the key is refused even though it is enabled. */
export function hasExpired(key: Key, now = Date.now()): boolean {
  return (
    key.expiry.kind === 'fixed' && key.expiry.expiresAt != null && Date.parse(key.expiry.expiresAt) <= now
  );
}

/** Restrictions in words, for the key page's facts; empty lists mean "any". */
export function restrictionFacts(key: Key): Array<{ label: string; value: string }> {
  const list = (values: readonly string[], none: string) => (values.length ? values.join(', ') : none);
  const bindings = PLATFORMS.flatMap((platform) => {
    const binding = key.bindings[platform];
    if (binding?.accountId) return [`${platform}: account ${binding.accountId}`];
    if (binding?.groupId) return [`${platform}: group ${binding.groupId}`];
    return [];
  });
  return [
    { label: 'Expires', value: expiryText(key) },
    { label: 'Platforms', value: list(key.platforms, 'Any') },
    { label: 'Clients', value: list(key.clients, 'Any') },
    { label: 'Allowed models', value: list(key.modelAllow, 'Any') },
    { label: 'Denied models', value: list(key.modelDeny, 'None') },
    {
      label: 'Model mapping',
      value: key.modelMapping.length
        ? key.modelMapping.map((pair) => `${pair.from} → ${pair.to}`).join(', ')
        : 'None',
    },
    { label: 'Limits', value: list(limitParts(key), 'None') },
    { label: 'Bindings', value: list(bindings, 'Whole pools') },
    { label: 'Body capture', value: key.bodyCapture },
  ];
}
