// How the spend limits page writes periods, caps and scopes: dollars from the API's cents, "no cap", and a
// user's name or a group for a scope.
import type { SpendLimitsPageLimitFragment, SpendPeriod } from '@clients/generated/graphql/graphql';

export type SpendLimit = SpendLimitsPageLimitFragment;

export const PERIODS: readonly SpendPeriod[] = ['daily', 'weekly', 'monthly'];

export const PERIOD_LABELS: Record<SpendPeriod, string> = {
  daily: 'Daily',
  weekly: 'Weekly',
  monthly: 'Monthly',
};

/** The largest cap the server takes, in cents ($10,000,000). */
export const MAX_CENTS = 1_000_000_000;

export function formatCents(cents: number | null): string {
  if (cents === null) return 'No cap';
  return `$${(cents / 100).toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A scope as the API gives it (user or group); the user's name when known. */
export interface ScopeFields {
  type: string;
  userId: string | null;
  group: string | null;
}

export function scopeLabel(scope: ScopeFields, nameOf: (userId: string) => string): string {
  if (scope.type === 'group') return `group ${scope.group ?? ''}`;
  return scope.userId ? nameOf(scope.userId) : 'unknown user';
}

/** Groups first (they are defaults), then users, each by name, each by period. */
export function sortLimits(limits: readonly SpendLimit[], nameOf: (userId: string) => string): SpendLimit[] {
  const key = (limit: SpendLimit) =>
    `${limit.scope.type === 'group' ? 0 : 1}:${scopeLabel(limit.scope, nameOf)}:${PERIODS.indexOf(limit.period)}`;
  return [...limits].sort((a, b) => key(a).localeCompare(key(b)));
}

/** Dollars typed in the form → cents, or why they cannot be a cap. */
export function dollarsToCents(value: number | string): { cents: number } | { error: string } {
  if (value === '' || typeof value !== 'number' || !Number.isFinite(value)) {
    return { error: 'Give an amount in dollars (0 allows no spend), or choose “No cap”' };
  }
  if (value < 0) return { error: 'A cap cannot be negative' };
  const cents = Math.round(value * 100);
  if (cents > MAX_CENTS) return { error: `At most ${formatCents(MAX_CENTS)}` };
  return { cents };
}
