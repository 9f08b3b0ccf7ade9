// Alert rules and the alert history: readers list them, managers create, change and delete rules. Rules and the
// audit live in AlertAdmin; the inputs are the alert service's schemas, so errors name `condition.threshold`.
import {
  createAlertRuleInputSchema,
  updateAlertRuleInputSchema,
} from '../../services/alerts/alert-rule-types.js';
import { entityIdSchema } from '../../services/validation.js';
import { idInput, pageInput } from '../inputs.js';
import { router, userProcedure } from '../trpc.js';

export const alertsRouter = router({
  list: userProcedure
    .input(pageInput)
    .query(({ ctx, input }) => ctx.services.control.alerts.list(ctx.principal, input)),
  get: userProcedure
    .input(idInput)
    .query(({ ctx, input }) => ctx.services.control.alerts.get(ctx.principal, input.id)),
  /** Firings and resolutions of every rule, newest first. */
  history: userProcedure
    .input(pageInput)
    .query(({ ctx, input }) => ctx.services.control.alerts.history(ctx.principal, input)),
  create: userProcedure
    .input(createAlertRuleInputSchema)
    .mutation(({ ctx, input }) => ctx.services.control.alerts.create(ctx.principal, input)),
  /** A condition given replaces the whole condition. */
  update: userProcedure
    .input(updateAlertRuleInputSchema.extend({ id: entityIdSchema }))
    .mutation(({ ctx, input: { id, ...patch } }) =>
      ctx.services.control.alerts.update(ctx.principal, id, patch),
    ),
  delete: userProcedure.input(idInput).mutation(async ({ ctx, input }) => {
    await ctx.services.control.alerts.delete(ctx.principal, input.id);
    return true;
  }),
});
