// The tRPC application router; clients import only `type AppRouter` from here.
import { SERVER_NAME, SERVER_VERSION } from '../version.js';
import { publicProcedure, router } from './trpc.js';

export const appRouter = router({
  system: router({
    info: publicProcedure.query(() => ({ name: SERVER_NAME, version: SERVER_VERSION })),
  }),
});

export type AppRouter = typeof appRouter;
