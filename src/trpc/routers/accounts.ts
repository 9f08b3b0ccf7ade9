// Upstream accounts: CRUD, live state and history, connection tests, resets and the OAuth sign-in flow (Claude,
// ChatGPT).
// Readers see accounts, managers change them; the rules and the audit live in AccountAdmin.
import { z } from 'zod';
import { createAccountInputSchema, updateAccountInputSchema } from '../../services/accounts/account-types.js';
import {
  oauthExchangeInputSchema,
  oauthReauthorizeInputSchema,
  oauthStartInputSchema,
} from '../../services/accounts/oauth/oauth-flow.js';
import { entityIdSchema } from '../../services/validation.js';
import { idInput, pageInput } from '../inputs.js';
import { router, userProcedure } from '../trpc.js';

export const accountsRouter = router({
  list: userProcedure
    .input(pageInput)
    .query(({ ctx, input }) => ctx.services.control.accounts.list(ctx.principal, input)),
  get: userProcedure
    .input(idInput)
    .query(({ ctx, input }) => ctx.services.control.accounts.get(ctx.principal, input.id)),
  /** The scheduler's view now (cooling, rate limited…). */
  state: userProcedure
    .input(idInput)
    .query(({ ctx, input }) => ctx.services.control.accounts.liveStateOf(ctx.principal, input.id)),
  /** State changes, newest first; the bounds are those AccountAdmin keeps to. */
  history: userProcedure
    .input(idInput.extend({ limit: z.number().int().min(1).max(200).default(50) }))
    .query(({ ctx, input }) => ctx.services.control.accounts.history(ctx.principal, input.id, input.limit)),
  connectionTests: userProcedure
    .input(idInput.extend({ limit: z.number().int().min(1).max(20).default(20) }))
    .query(({ ctx, input }) =>
      ctx.services.control.accounts.connectionTests(ctx.principal, input.id, input.limit),
    ),
  create: userProcedure
    .input(createAccountInputSchema)
    .mutation(({ ctx, input }) => ctx.services.control.accounts.create(ctx.principal, input)),
  update: userProcedure
    .input(updateAccountInputSchema.extend({ id: entityIdSchema }))
    .mutation(({ ctx, input: { id, ...patch } }) =>
      ctx.services.control.accounts.update(ctx.principal, id, patch),
    ),
  enable: userProcedure
    .input(idInput)
    .mutation(({ ctx, input }) => ctx.services.control.accounts.enable(ctx.principal, input.id)),
  disable: userProcedure
    .input(idInput.extend({ reason: z.string().trim().min(1).max(500).optional() }))
    .mutation(({ ctx, input }) =>
      ctx.services.control.accounts.disable(ctx.principal, input.id, input.reason),
    ),
  delete: userProcedure.input(idInput).mutation(async ({ ctx, input }) => {
    await ctx.services.control.accounts.delete(ctx.principal, input.id);
    return true;
  }),
  /** Back into service now, whatever the scheduler had decided. */
  reset: userProcedure
    .input(idInput)
    .mutation(({ ctx, input }) => ctx.services.control.accounts.reset(ctx.principal, input.id)),
  /** Sends one tiny request upstream and records the result. */
  test: userProcedure
    .input(idInput.extend({ model: z.string().trim().min(1).max(200).optional() }))
    .mutation(({ ctx, input }) => ctx.services.control.accounts.test(ctx.principal, input.id, input.model)),
  oauthStart: userProcedure
    .input(oauthStartInputSchema)
    .mutation(({ ctx, input }) => ctx.services.control.accounts.oauthStart(ctx.principal, input)),
  /** The account settings are optional here; the flow names the account when they are left out. */
  oauthExchange: userProcedure
    .input(oauthExchangeInputSchema.partial({ account: true }))
    .mutation(({ ctx, input }) => ctx.services.control.accounts.oauthExchange(ctx.principal, input)),
  oauthReauthorize: userProcedure
    .input(oauthReauthorizeInputSchema)
    .mutation(({ ctx, input }) => ctx.services.control.accounts.oauthReauthorize(ctx.principal, input)),
});
