// The tRPC endpoint on the express app: the context from the request's headers, a body limit, bounded
// batches, and a log line for every error that was masked.

import { createExpressMiddleware } from '@trpc/server/adapters/express';
import type { Express } from 'express';
import type { Logger } from '../lib/logger.js';
import type { Services } from '../services/container.js';
import { createTrpcContext } from '../trpc/context.js';
import { viewOf } from '../trpc/errors.js';
import { appRouter } from '../trpc/router.js';

export const TRPC_PATH = '/trpc';
/** Calls one request may batch; more get 400. `clients/trpc.ts` splits its batches at the same number. */
export const TRPC_MAX_BATCH_SIZE = 20;

export interface TrpcEndpointOptions {
  services: Services;
  logger: Logger;
  bodyLimitBytes: number;
}

export function mountTrpc(app: Express, options: TrpcEndpointOptions): void {
  const { services, logger } = options;
  app.use(
    TRPC_PATH,
    createExpressMiddleware({
      router: appRouter,
      createContext: ({ req, res }) =>
        createTrpcContext({
          services,
          requestId: String(res.getHeader('x-request-id') ?? ''),
          address: req.ip ?? req.socket.remoteAddress ?? 'unknown',
          authorization: req.headers.authorization,
          apiKey: single(req.headers['x-api-key']),
        }),
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
