// Spend limits per user and per user group, and what people spent against them. Rules live in SpendLimitAdmin.
import { z } from 'zod';
import { setSpendLimitInputSchema } from '../../services/spend-limits/spend-limit-types.js';
import { entityIdSchema } from '../../services/validation.js';
import { idInput } from '../inputs.js';
import { router, userProcedure } from '../trpc.js';

export const spendLimitsRouter = router({
  list: userProcedure.query(({ ctx }) => ctx.services.control.spendLimits.list(ctx.principal)),
  effective: userProcedure
    .input(z.object({ userIds: z.array(entityIdSchema).max(500).optional() }).prefault({}))
    .query(({ ctx, input }) => ctx.services.control.spendLimits.effective(ctx.principal, input.userIds)),
  set: userProcedure
    .input(setSpendLimitInputSchema)
    .mutation(({ ctx, input }) => ctx.services.control.spendLimits.set(ctx.principal, input)),
  delete: userProcedure
    .input(idInput)
    .mutation(({ ctx, input }) => ctx.services.control.spendLimits.delete(ctx.principal, input.id)),
});
