// Price overrides per model (USD per million tokens): readers list them, managers set and remove them.
import { z } from 'zod';
import { modelPatternSchema } from '../../services/api-keys/api-key-types.js';
import { unitPricesSchema } from '../../services/pricing/pricing-service.js';
import { router, userProcedure } from '../trpc.js';

const modelInput = z.object({ model: modelPatternSchema });

export const pricingRouter = router({
  list: userProcedure.query(({ ctx }) => ctx.services.control.pricing.list(ctx.principal)),
  set: userProcedure
    .input(modelInput.extend({ prices: unitPricesSchema }))
    .mutation(({ ctx, input }) => ctx.services.control.pricing.set(ctx.principal, input.model, input.prices)),
  remove: userProcedure.input(modelInput).mutation(async ({ ctx, input }) => {
    await ctx.services.control.pricing.remove(ctx.principal, input.model);
    return true;
  }),
});
