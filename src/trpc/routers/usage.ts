// Usage reports: time series, top-N and a key's live limits, scoped by role in UsageReports (members see only
// their own keys).
import { z } from 'zod';
import { usageSeriesInputSchema, usageTopInputSchema } from '../../services/control/usage-reports.js';
import { entityIdSchema } from '../../services/validation.js';
import { router, userProcedure } from '../trpc.js';

export const usageRouter = router({
  /** One point per period in [from, to] (ms since the epoch); `id` names the key, account or model. */
  series: userProcedure
    .input(usageSeriesInputSchema)
    .query(({ ctx, input }) => ctx.services.control.usage.series(ctx.principal, input)),
  top: userProcedure
    .input(usageTopInputSchema)
    .query(({ ctx, input }) => ctx.services.control.usage.top(ctx.principal, input)),
  /** Spend against each of the key's limits now, with reset times. */
  keyLimits: userProcedure
    .input(z.object({ keyId: entityIdSchema }))
    .query(({ ctx, input }) => ctx.services.control.usage.keyLimits(ctx.principal, input.keyId)),
});
