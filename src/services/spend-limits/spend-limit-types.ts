// Spend limits on people rather than keys: a cap per user, or a default cap for the members of a user group,
// on what they spend per day, week or month across all their keys and signed-in devices. Shaped after
// Anthropic's Admin API spend limits (scope + period + amount in cents), which is how they are set.
import { z } from 'zod';
import { userGroupSchema } from '../users/user-types.js';
import { entityIdSchema } from '../validation.js';

export const SPEND_PERIODS = ['daily', 'weekly', 'monthly'] as const;
export type SpendPeriod = (typeof SPEND_PERIODS)[number];

export const spendScopeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('user'), userId: entityIdSchema }),
  z.object({ type: z.literal('group'), group: userGroupSchema }),
]);
export type SpendScope = z.infer<typeof spendScopeSchema>;

export const storedSpendLimitSchema = z.object({
  id: z.string(),
  scope: spendScopeSchema,
  period: z.enum(SPEND_PERIODS),
  /**
   * The cap in US cents; null is an explicit "no cap" for this scope and period (a user exempted from their
   * group's cap for that period).
   */
  amountCents: z.number().int().min(0).max(1_000_000_000).nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type SpendLimit = z.infer<typeof storedSpendLimitSchema>;

export const setSpendLimitInputSchema = z.object({
  scope: spendScopeSchema,
  period: z.enum(SPEND_PERIODS).default('monthly'),
  amountCents: z.number().int().min(0).max(1_000_000_000).nullable(),
});
export type SetSpendLimitInput = z.input<typeof setSpendLimitInputSchema>;

/** The cap that applies to one user for one period, and where it comes from. */
export interface EffectiveSpendLimit {
  period: SpendPeriod;
  /** Undefined: no cap for this period. */
  amountMicros: number | undefined;
  source: SpendScope;
  limitId: string;
}

export function scopeKey(scope: SpendScope): string {
  return scope.type === 'user' ? `user:${scope.userId}` : `group:${scope.group}`;
}
