// Relay API keys: everyone signed in lists what they may see; members manage only their own. Rules live in
// ApiKeyAdmin, the same object GraphQL calls.
import { createApiKeyRequestSchema, updateApiKeyInputSchema } from '../../services/api-keys/api-key-types.js';
import { pageQuerySchema } from '../../services/redis/pagination.js';
import { entityIdSchema } from '../../services/validation.js';
import { idInput } from '../inputs.js';
import { router, userProcedure } from '../trpc.js';

export const apiKeysRouter = router({
  /** Newest first; members get their own keys whatever `ownerId` says. */
  list: userProcedure
    .input(pageQuerySchema.extend({ ownerId: entityIdSchema.optional() }).prefault({}))
    .query(({ ctx, input }) => ctx.services.control.apiKeys.list(ctx.principal, input)),
  get: userProcedure
    .input(idInput)
    .query(({ ctx, input }) => ctx.services.control.apiKeys.get(ctx.principal, input.id)),
  /** Returns the key and its plaintext, shown this once. */
  create: userProcedure
    .input(createApiKeyRequestSchema)
    .mutation(({ ctx, input }) => ctx.services.control.apiKeys.create(ctx.principal, input)),
  update: userProcedure
    .input(updateApiKeyInputSchema.extend({ id: entityIdSchema }))
    .mutation(({ ctx, input: { id, ...patch } }) =>
      ctx.services.control.apiKeys.update(ctx.principal, id, patch),
    ),
  /** A new secret for the same key; the old one stops working. */
  rotate: userProcedure
    .input(idInput)
    .mutation(({ ctx, input }) => ctx.services.control.apiKeys.rotate(ctx.principal, input.id)),
  delete: userProcedure.input(idInput).mutation(async ({ ctx, input }) => {
    await ctx.services.control.apiKeys.delete(ctx.principal, input.id);
    return true;
  }),
});
