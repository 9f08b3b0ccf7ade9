// The request log over tRPC: every relayed request, filtered and paged, and one request with its attempts;
// members see only their own keys' requests.
import { z } from 'zod';
import { requestLogQuerySchema } from '../../services/control/request-log-admin.js';
import { router, userProcedure } from '../trpc.js';

export const requestLogRouter = router({
  /** Newest first; past the archive a page examines a bounded stretch, so a rare filter may give a short page. */
  list: userProcedure
    .input(requestLogQuerySchema.prefault({}))
    .query(({ ctx, input }) => ctx.services.control.requestLog.list(ctx.principal, input)),
  /** One request by the id the relay answered with (`x-request-id`), with the attempts that failed over. */
  get: userProcedure
    .input(z.object({ requestId: z.string() }))
    .query(({ ctx, input }) => ctx.services.control.requestLog.get(ctx.principal, input.requestId)),
  /** Its captured bodies, while their retention lasts: admins and operators only, each reading audited. */
  bodies: userProcedure
    .input(z.object({ requestId: z.string() }))
    .query(({ ctx, input }) => ctx.services.control.requestLog.bodies(ctx.principal, input.requestId)),
});
