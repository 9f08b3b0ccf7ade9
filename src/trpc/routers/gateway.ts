// Gateway sign-in: a pending sign-in by user code, approve/deny for the caller, and signed-in devices (their
// own; admins anyone's), revocable. Rules live in GatewayAdmin.
import { z } from 'zod';
import { pageQuerySchema } from '../../services/redis/pagination.js';
import { entityIdSchema } from '../../services/validation.js';
import { idInput } from '../inputs.js';
import { router, userProcedure } from '../trpc.js';

const userCodeInput = z.object({ userCode: z.string().min(1).max(32) });
const dayInput = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a day like 2026-12-05' });

export const gatewayRouter = router({
  signIn: userProcedure
    .input(userCodeInput)
    .query(({ ctx, input }) =>
      ctx.services.control.gateway.pendingSignIn(ctx.principal, input.userCode, ctx.address),
    ),
  approve: userProcedure
    .input(userCodeInput.extend({ keyId: entityIdSchema.optional() }))
    .mutation(({ ctx, input }) =>
      ctx.services.control.gateway.approve(ctx.principal, input.userCode, input.keyId, ctx.address),
    ),
  deny: userProcedure
    .input(userCodeInput)
    .mutation(({ ctx, input }) =>
      ctx.services.control.gateway.deny(ctx.principal, input.userCode, ctx.address),
    ),
  devices: userProcedure
    .input(pageQuerySchema.extend({ userId: entityIdSchema.optional() }).prefault({}))
    .query(({ ctx, input }) => ctx.services.control.gateway.devices(ctx.principal, input)),
  telemetry: userProcedure
    .input(z.object({ userId: entityIdSchema, day: dayInput.optional() }))
    .query(({ ctx, input }) =>
      ctx.services.control.gateway.telemetry(ctx.principal, input.userId, input.day),
    ),
  revokeDevice: userProcedure
    .input(idInput)
    .mutation(({ ctx, input }) => ctx.services.control.gateway.revoke(ctx.principal, input.id)),
});
