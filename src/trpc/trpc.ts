// tRPC initialisation, once: the error shape every procedure answers with, and the only base procedures
// routers build on (anyone, a signed-in user, a key holder). Role rules are the services', not these.
import { initTRPC } from '@trpc/server';
import { type TRPC_ERROR_CODE_KEY, TRPC_ERROR_CODES_BY_KEY, type TRPCErrorShape } from '@trpc/server/rpc';
import { AppError } from '../errors/app-error.js';
import type { TrpcContext } from './context.js';
import { MASKED_MESSAGE, toTrpcError, viewOf } from './errors.js';

/** `error.data` as clients see it. */
export interface TrpcErrorData {
  code: TRPC_ERROR_CODE_KEY;
  httpStatus: number;
  /** The stable machine code, UPPERCASE as GraphQL's `extensions.code` (`PERMISSION_DENIED`). */
  appCode: string;
  /** The offending input field (`limits.concurrency`) for validation errors. */
  field?: string;
  retryAfterSeconds?: number;
  /** The procedure, e.g. `apiKeys.create`. */
  path?: string;
  /** Matches the `x-request-id` header and the server's log lines. */
  requestId?: string;
}

const t = initTRPC.context<TrpcContext>().create({
  // Stack traces never leave the server, whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ error, path, ctx }): TRPCErrorShape<TrpcErrorData> {
    const { code, httpStatus, appError } = viewOf(error);
    const field = appError.details?.field;
    return {
      code: TRPC_ERROR_CODES_BY_KEY[code],
      message: appError.code === 'internal' ? MASKED_MESSAGE : appError.message,
      data: {
        code,
        httpStatus,
        appCode: appError.code.toUpperCase(),
        ...(typeof field === 'string' ? { field } : {}),
        ...(appError.retryAfterSeconds === undefined
          ? {}
          : { retryAfterSeconds: appError.retryAfterSeconds }),
        ...(path === undefined ? {} : { path }),
        ...(ctx?.requestId ? { requestId: ctx.requestId } : {}),
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Every procedure's failures, input validation included (this runs first, around everything else), leave as
 * TRPCErrors with the code the AppError maps to.
 */
const mapped = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok) throw toTrpcError(result.error);
  return result;
});

export const publicProcedure = mapped;

/** Signed in with `Authorization: Bearer <access token>`; `ctx.principal` is then always set. */
export const userProcedure = mapped.use(({ ctx, next }) => {
  if (!ctx.principal) {
    throw (
      ctx.authError ??
      new AppError('unauthenticated', 'Sign in first: send Authorization: Bearer <access token>')
    );
  }
  return next({ ctx: { principal: ctx.principal } });
});

/** Holding a relay key, sent as `x-api-key`; `ctx.keyHolder` is then always set and is all it may read. */
export const keyHolderProcedure = mapped.use(({ ctx, next }) => {
  if (!ctx.keyHolder) {
    throw ctx.keyError ?? new AppError('unauthenticated', 'Send your relay key as the x-api-key header');
  }
  return next({ ctx: { keyHolder: ctx.keyHolder } });
});
