// `GET /api/oauth/usage`: the signed-in person's spend against their own caps, in dollars, where claude.ai
// serves Claude Code's usage data; newer Claude Code calls it when signed in to a gateway and shows the amounts
// in `/usage` and its status line. Cents and whole percents, as the gateway protocol describes.
import type { EffectiveSpend } from '../../services/spend-limits/user-spend.js';

const MICROS_PER_CENT = 10_000;

function cents(micros: number): number {
  return Math.round(micros / MICROS_PER_CENT);
}

function percent(row: EffectiveSpend): number {
  return row.amountMicros ? Math.floor((row.spentMicros / row.amountMicros) * 100) : 100;
}

/** One row per period of a person (daily, weekly, monthly), as `UserSpend.effective` gives them. */
export function usageAnswer(rows: readonly EffectiveSpend[]) {
  const capped = rows.filter((row) => row.amountMicros !== undefined);
  if (capped.length === 0) {
    const spent = (period: string) => cents(rows.find((row) => row.period === period)?.spentMicros ?? 0);
    return {
      extra_usage: {
        is_enabled: true,
        monthly_limit: null,
        used_credits: spent('monthly'),
        utilization: null,
        currency: 'USD',
        daily: { limit: null, used_credits: spent('daily'), utilization: null },
        weekly: { limit: null, used_credits: spent('weekly'), utilization: null },
      },
      limits: [],
    };
  }
  // The cap the dollars describe is the fullest one, as the usage-limit headers would describe it.
  const active = capped.reduce((fullest, row) => (percent(row) > percent(fullest) ? row : fullest));
  return {
    extra_usage: {
      is_enabled: true,
      monthly_limit: cents(active.amountMicros ?? 0),
      used_credits: cents(active.spentMicros),
      utilization: percent(active),
      currency: 'USD',
    },
    limits: capped.map((row) => ({
      kind: 'spend',
      group: row.period,
      percent: percent(row),
      resets_at: new Date(row.resetsAt).toISOString(),
      severity: percent(row) >= 75 ? 'warning' : 'normal',
      is_active: row === active,
    })),
  };
}
