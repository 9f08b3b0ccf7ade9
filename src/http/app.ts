// buildApp: one node:http server; relay routes go straight to their handlers, everything else to express 5.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { AppError, toAppError } from '../errors/app-error.js';
import type { ErrorShape } from '../errors/error-shape.js';
import { jsonErrorShape } from '../errors/shapes.js';
import { acceptableCorrelationId, newRequestId } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import { type ConnectionLimits, type ConnectionTracker, limitConnections } from './connection-limits.js';
import { hasDotSegment } from './path-segments.js';
import { bodyUnread } from './read-body.js';
import type { RouteTable } from './route-table.js';
import { sendError, sendJson } from './send.js';

/** How long a connection may take over each part of a request, and how many may be held anonymously. */
export interface ConnectionSettings extends ConnectionLimits {
  /** To send the request headers, counted from connecting or from the request's first byte. */
  headersTimeoutMs: number;
  /** To send the whole request, body included; the response is not limited by it. */
  requestTimeoutMs: number;
  /** Idle time allowed between two requests on a keep-alive connection. */
  keepAliveTimeoutMs: number;
}

export interface AppDeps {
  logger: Logger;
  bodyLimitBytes: number;
  /** How long `stop()` waits for in-flight requests before cutting them. */
  shutdownTimeoutMs: number;
  connections: ConnectionSettings;
  trustProxy?: boolean;
  /**
   * Resolves with what `GET /ready` reports beside its status (the background jobs' last runs) when the backing
   * store answers; rejects otherwise.
   */
  checkReady: () => Promise<Record<string, unknown> | undefined>;
  /** The data plane, served without express's middleware chain (see docs/decisions). */
  routes?: RouteTable;
  /** Registers control-plane routers on the express app. */
  mount?: (app: Express) => void;
  /** Paths (and the paths below them) whose handlers read the request body themselves, unparsed. */
  ownBodyPaths?: readonly string[];
  /**
   * The error shape of an answer given before any route is known (no route, a refused path): the relay
   * knows which clients live under which paths. Plain JSON when absent.
   */
  errorShapeFor?: (path: string) => ErrorShape;
}

export interface App {
  readonly server: Server;
  readonly express: Express;
  /** Requests whose response has not finished yet. */
  readonly inFlight: number;
  /** Connections held without an authenticated request, and those refused for it. */
  readonly connections: ConnectionTracker;
  /** Resolves when no response is open and every relay handler has finished its after-response work. */
  idle(): Promise<void>;
  start(port: number, host?: string): Promise<{ port: number; url: string }>;
  stop(): Promise<void>;
}

export function buildApp(deps: AppDeps): App {
  const { logger } = deps;
  const unroutedShape = deps.errorShapeFor ?? (() => jsonErrorShape);
  const expressApp = buildExpress(deps, unroutedShape);
  let inFlight = 0;
  let draining = false;
  // Relay handlers keep working after their response ends (settling usage); shutdown must wait for that too.
  const handlers = new Set<Promise<void>>();
  const idleWaiters: Array<() => void> = [];

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const startedAt = performance.now();
    // The relay's own id, always: it keys leases, reservations and the ledger. The client's id only correlates.
    const requestId = newRequestId();
    const incomingId = req.headers['x-request-id'];
    const clientRequestId = acceptableCorrelationId(incomingId) ? incomingId : undefined;
    res.setHeader('x-request-id', requestId);
    if (clientRequestId !== undefined) res.setHeader('x-client-request-id', clientRequestId);
    if (draining) res.setHeader('connection', 'close');
    const socket = req.socket;
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const route = deps.routes?.match(req.method ?? 'GET', path, req.headers);
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      // Answered before its body was read (refused, or cut at a limit): the rest is never read. Answers sent
      // through `sendError` said `connection: close` and are closing already; this covers every other writer.
      // The socket is the one captured on arrival: `req.socket` can be gone by now (after yoga cut a body).
      if (!socket.destroyed && bodyUnread(req)) socket.destroySoon();
      // Successful relay requests are recorded in the usage ledger already; logging each at info would cost
      // the data plane a tenth of its CPU for a duplicate. Failures and everything else are logged at info.
      const level = route && res.statusCode < 400 && res.writableFinished ? 'debug' : 'info';
      if (logger.isLevelEnabled(level)) {
        // Only the path is logged: the query string may carry a key (`?key=`).
        logger[level](
          {
            requestId,
            ...(clientRequestId === undefined ? {} : { clientRequestId }),
            method: req.method,
            path,
            status: res.statusCode,
            ms: Math.round((performance.now() - startedAt) * 10) / 10,
            ...(res.writableFinished ? {} : { aborted: true }),
          },
          'request',
        );
      }
      if (inFlight === 0) for (const wake of idleWaiters.splice(0)) wake();
    });
    if (hasDotSegment(path)) {
      const refusal = new AppError('invalid_request', 'The path must not contain "." or ".." segments');
      sendError(res, refusal, unroutedShape(path), requestId);
      return;
    }
    if (!route) {
      expressApp(req, res);
      return;
    }
    const context = {
      requestId,
      clientRequestId,
      startedAt,
      path,
      query: queryAt === -1 ? '' : url.slice(queryAt + 1),
      params: route.params,
      logger,
    };
    const handled = route.handler(req, res, context).catch((error: unknown) => {
      const appError = sendError(res, error, route.errors, requestId);
      if (appError.code === 'internal')
        logger.error({ err: error, requestId, path }, 'unhandled relay error');
    });
    handlers.add(handled);
    void handled.finally(() => handlers.delete(handled));
  };

  const limits = deps.connections;
  // Node checks both deadlines on one interval for all connections (no timer per request), and only while a
  // request is being received: a response in progress, however long it streams or waits, is never cut.
  const headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  const server = createServer(
    {
      headersTimeout,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Deadlines are met to within a quarter of the shorter one.
      connectionsCheckingInterval: Math.max(25, Math.min(5_000, Math.floor(headersTimeout / 4))),
    },
    onRequest,
  );
  const connections = limitConnections(server, limits, logger);

  const waitForResponses = () =>
    new Promise<void>((resolve) => {
      if (inFlight === 0) return resolve();
      idleWaiters.push(resolve);
    });
  const idle = async () => {
    await waitForResponses();
    while (handlers.size > 0) await Promise.allSettled([...handlers]);
  };

  return {
    server,
    express: expressApp,
    get inFlight() {
      return inFlight;
    },
    connections,
    idle,
    start(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve({ port: address.port, url: `http://${shownHost}:${address.port}` });
        });
      });
    },
    async stop() {
      if (!server.listening) return;
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'deadline'>((resolve) => {
        timer = setTimeout(() => resolve('deadline'), deps.shutdownTimeoutMs);
      });
      const outcome = await Promise.race([idle().then(() => 'idle' as const), deadline]);
      clearTimeout(timer);
      if (outcome === 'deadline') {
        logger.warn({ inFlight }, 'shutdown deadline reached; closing remaining connections');
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

function buildExpress(deps: AppDeps, unroutedShape: (path: string) => ErrorShape): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  app.get('/health', (_req, res) => {
    sendJson(res, 200, { status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    try {
      const report = await deps.checkReady();
      sendJson(res, 200, { status: 'ready', ...report });
    } catch (error) {
      deps.logger.warn({ err: error }, 'readiness check failed');
      sendJson(res, 503, { status: 'unavailable', reason: 'redis did not answer' });
    }
  });

  // Endpoints that read their own bodies (graphql-yoga, tRPC) are left alone by the JSON parser.
  const json = express.json({ limit: deps.bodyLimitBytes });
  // A path owns the paths below it too: tRPC procedures are `/trpc/<procedure>`.
  const ownBodies = deps.ownBodyPaths ?? [];
  const ownsBody = (path: string) => ownBodies.some((own) => path === own || path.startsWith(`${own}/`));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (ownsBody(req.path)) next();
    else json(req, res, next);
  });
  deps.mount?.(app);

  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(new AppError('not_found', `No route for ${req.method} ${req.path}`));
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const appError = fromExpressError(error);
    const requestId = String(res.getHeader('x-request-id') ?? '');
    if (appError.code === 'internal') deps.logger.error({ err: error, requestId }, 'unhandled error');
    sendError(res, appError, unroutedShape(req.path), requestId);
  });
  return app;
}

/** body-parser reports its own failures with `type`/`status`; give them our codes. */
function fromExpressError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (typeof error === 'object' && error !== null && 'type' in error) {
    const type = (error as { type: unknown }).type;
    if (type === 'entity.too.large') return new AppError('payload_too_large', 'Request body is too large');
    if (type === 'entity.parse.failed') return new AppError('invalid_json', 'Request body is not valid JSON');
    if (type === 'encoding.unsupported')
      return new AppError('unsupported_media_type', 'Unsupported body encoding');
  }
  return toAppError(error);
}
