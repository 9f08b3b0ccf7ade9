// Claude Code managed settings per everyone, role, group and user, and what one user is served. Rules live in
// ManagedSettingsAdmin.
import { z } from 'zod';
import { policyScopeSchema } from '../../services/managed-settings/managed-settings-types.js';
import { entityIdSchema } from '../../services/validation.js';
import { router, userProcedure } from '../trpc.js';

export const managedSettingsRouter = router({
  list: userProcedure.query(({ ctx }) => ctx.services.control.managedSettings.list(ctx.principal)),
  set: userProcedure
    .input(z.object({ scope: policyScopeSchema, settings: z.record(z.string(), z.unknown()) }))
    .mutation(({ ctx, input }) =>
      ctx.services.control.managedSettings.set(ctx.principal, input.scope, input.settings),
    ),
  delete: userProcedure
    .input(z.object({ scope: policyScopeSchema }))
    .mutation(({ ctx, input }) => ctx.services.control.managedSettings.delete(ctx.principal, input.scope)),
  /** What a user's signed-in Claude Code is served (null: no policy applies). */
  preview: userProcedure
    .input(z.object({ userId: entityIdSchema }))
    .query(
      async ({ ctx, input }) =>
        (await ctx.services.control.managedSettings.preview(ctx.principal, input.userId)) ?? null,
    ),
});
