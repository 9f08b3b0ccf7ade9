// The tRPC endpoint on the express app: the context from the request's headers, a body limit, bounded
// batches, 405 for methods tRPC does not serve, and a log line for every error that was masked.

import { createExpressMiddleware } from '@trpc/server/adapters/express';
import type { Express, NextFunction, Request, Response } from 'express';
import { AppError } from '../errors/app-error.js';
import { markAuthenticated } from '../http/connection-limits.js';
import type { Logger } from '../lib/logger.js';
import type { Services } from '../services/container.js';
import { createTrpcContext } from './context.js';
import { viewOf } from './errors.js';
import { appRouter } from './router.js';

export const TRPC_PATH = '/trpc';
/** Calls one request may batch; more get 400. `clients/trpc.ts` splits its batches at the same number. */
export const TRPC_MAX_BATCH_SIZE = 20;

export interface TrpcEndpointOptions {
  services: Services;
  logger: Logger;
  bodyLimitBytes: number;
}

/** Queries are GET, mutations and batches POST; HEAD is GET without a body. */
const SERVED_METHODS = new Set(['GET', 'POST', 'HEAD']);
const ALLOW = 'GET, POST';

export function mountTrpc(app: Express, options: TrpcEndpointOptions): void {
  const { services, logger } = options;
  // The adapter builds a Fetch Request, whose constructor throws on TRACE/CONNECT (a 500), and answers other
  // methods with a misleading 415: refuse them all before it runs.
  app.use(TRPC_PATH, (req: Request, res: Response, next: NextFunction) => {
    if (SERVED_METHODS.has(req.method)) {
      next();
      return;
    }
    res.setHeader('allow', ALLOW);
    next(new AppError('method_not_allowed', `${req.method} is not served here; use ${ALLOW}`));
  });
  app.use(
    TRPC_PATH,
    createExpressMiddleware({
      router: appRouter,
      createContext: async ({ req, res }) => {
        const context = await createTrpcContext({
          services,
          requestId: String(res.getHeader('x-request-id') ?? ''),
          address: req.ip ?? req.socket.remoteAddress ?? 'unknown',
          authorization: req.headers.authorization,
          apiKey: single(req.headers['x-api-key']),
        });
        // A caller who signed in (or holds a valid key) no longer counts against the anonymous bound.
        if (context.principal || context.keyHolder) markAuthenticated(req.socket);
        return context;
      },
      // The adapter reads the body itself (the path is in `ownBodyPaths`) and stops past this many bytes.
      maxBodySize: options.bodyLimitBytes,
      maxBatchSize: TRPC_MAX_BATCH_SIZE,
      onError({ error, path, ctx }) {
        const { appError } = viewOf(error);
        if (appError.code !== 'internal') return;
        logger.error(
          { err: appError.cause ?? error, requestId: ctx?.requestId, path },
          'unhandled tRPC error',
        );
      },
    }),
  );
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
