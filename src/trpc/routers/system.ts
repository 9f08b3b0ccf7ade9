// What this server is (any signed-in user; anonymous callers get nothing but sign-in) and how it is doing
// (readers).
import { SERVER_NAME, SERVER_VERSION } from '../../version.js';
import { router, userProcedure } from '../trpc.js';

export const systemRouter = router({
  info: userProcedure.query(() => ({ name: SERVER_NAME, version: SERVER_VERSION })),
  status: userProcedure.query(({ ctx }) => ctx.services.control.system.status(ctx.principal)),
});
