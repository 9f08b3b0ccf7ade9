// The caller's own view: the signed-in user, or, for a key holder presenting its relay key as `x-api-key`,
// that key, its limits and its usage, and nothing else.
import { usageRangeSchema } from '../../services/control/usage-reports.js';
import { keyHolderProcedure, router, userProcedure } from '../trpc.js';

export const meRouter = router({
  user: userProcedure.query(({ ctx }) => ctx.services.control.users.get(ctx.principal, ctx.principal.userId)),
  /** The presented key, without its hash. */
  key: keyHolderProcedure.query(({ ctx }) => ctx.keyHolder),
  limits: keyHolderProcedure.query(({ ctx }) => ctx.services.control.usage.holderLimits(ctx.keyHolder)),
  usage: keyHolderProcedure
    .input(usageRangeSchema)
    .query(({ ctx, input }) => ctx.services.control.usage.holderSeries(ctx.keyHolder, input)),
});
