// GraphQL subscriptions over WebSocket (graphql-ws) on the HTTP server's port at /graphql: signed in once per
// connection, with the HTTP endpoint's schema, context, document limits and error masking. Upgrade offers for
// other protocols (h2c) are handed back to the HTTP server as plain requests.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  type ExecutionArgs,
  GraphQLError,
  type GraphQLFormattedError,
  getOperationAST,
  specifiedRules,
  type ValidationRule,
  validate,
} from 'graphql';
import { CloseCode, type SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { AppError } from '../errors/app-error.js';
import { markAuthenticated } from '../http/connection-limits.js';
import { isWebSocketUpgrade, serveAsHttp1 } from '../http/upgrade-fallback.js';
import { newRequestId } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import type { Services } from '../services/container.js';
import type { GraphQLContext } from './builder.js';
import { maskGraphQLError } from './errors.js';
import { buildGraphQLContext } from './graphql-context.js';
import { GRAPHQL_PATH } from './graphql-endpoint.js';
import { schema } from './index.js';
import { documentRules, parseDocument } from './limits.js';

export interface GraphQLWsOptions {
  services: Services;
  logger: Logger;
  /** Take the caller's address from `X-Forwarded-For`, as the express app does with `trust proxy`. */
  trustProxy: boolean;
  /** Close reasons of internal errors say nothing in production. */
  production: boolean;
  /** Serve `__schema`/`__type`, as over HTTP. */
  introspection: boolean;
  /** Largest message a client may send: subscribe messages are a document and a few variables. */
  maxPayloadBytes?: number;
  maxSubscriptionsPerConnection?: number;
  /** Connections this instance holds at most; each costs its socket buffers and queues. */
  maxConnections?: number;
  /** How often an open connection's session is checked again (logout, disabled user, expiry, new role). */
  sessionCheckMs?: number;
  /** Ping interval; a client that does not answer within it is cut (a client that stopped reading, too). */
  keepAliveMs?: number;
}

export interface GraphQLWsServer {
  /** Open WebSocket connections. */
  readonly connections: number;
  /** Closes every connection (1001, clients reconnect elsewhere), cutting those that do not answer. */
  stop(): Promise<void>;
}

/** What onConnect learns about a connection, kept for its subscriptions. */
type ConnectionExtra = { context: GraphQLContext };

const CLOSE_GRACE_MS = 1000;
/** graphql-ws clients retry after this code, so a dashboard reconnects with a fresh access token. */
const SESSION_ENDED = CloseCode.Forbidden;

export function attachGraphQLWs(server: Server, options: GraphQLWsOptions): GraphQLWsServer {
  const { services, logger } = options;
  const maxSubscriptions = options.maxSubscriptionsPerConnection ?? 50;
  const maxConnections = options.maxConnections ?? 1000;
  const sessionCheckMs = options.sessionCheckMs ?? 60_000;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes ?? 64 * 1024 });
  const rules = [...specifiedRules, ...documentRules({ introspection: options.introspection })];
  let stopping = false;
  const masked = (error: GraphQLError): GraphQLFormattedError => {
    const result = maskGraphQLError(error, 'Unexpected error', (unexpected) =>
      logger.error({ err: unexpected }, 'unhandled GraphQL error over graphql-ws'),
    );
    return result instanceof GraphQLError ? result.toJSON() : { message: result.message };
  };

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Every upgrade request reaches this listener; only WebSocket ones are ours (h2c offers are plain requests).
    if (!isWebSocketUpgrade(request)) {
      serveAsHttp1(server, request, socket, head);
      return;
    }
    // The socket is ours from here on; a client that resets it must not crash the process.
    socket.on('error', () => socket.destroy());
    const full = wss.clients.size >= maxConnections;
    if (stopping || full || pathOf(request.url) !== GRAPHQL_PATH) {
      // Full or stopping: another instance behind the balancer can take the connection.
      const status = stopping || full ? '503 Service Unavailable' : '404 Not Found';
      // Destroyed once written: an upgraded socket is no longer the HTTP server's to close at shutdown.
      socket.once('finish', () => socket.destroy());
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  server.on('upgrade', onUpgrade);

  const disposable = useServer<Record<string, unknown> | undefined, ConnectionExtra>(
    {
      schema,
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        // No token, no connection: subscriptions are never anonymous, so refuse before anything runs.
        if (typeof authorization !== 'string') return false;
        const { socket, request } = ctx.extra;
        let context: GraphQLContext;
        try {
          context = await buildGraphQLContext(services, {
            requestId: newRequestId(),
            authorization,
            address: addressOf(request, options.trustProxy),
          });
        } catch (error) {
          // The store did not answer: not the client's fault, and worth a retry (1013 is not fatal to clients).
          logger.error({ err: error }, 'graphql-ws sign-in failed');
          socket.close(1013, 'Try again later');
          return false;
        }
        const { principal } = context;
        // Gone while signing in: nothing to set up (its close event has passed, so no timer could be cleared).
        if (!principal || socket.readyState !== socket.OPEN) return false;
        markAuthenticated(request.socket);
        ctx.extra.context = context;
        const token = authorization.slice(7).trim();
        const recheck = setInterval(() => {
          services.auth.authenticate(token).then(
            (current) => {
              if (current.role !== principal.role) socket.close(SESSION_ENDED, 'Role changed; reconnect');
            },
            (error: unknown) => {
              if (error instanceof AppError) socket.close(SESSION_ENDED, 'Session ended; reconnect');
              else logger.warn({ err: error }, 'graphql-ws session check failed');
            },
          );
        }, sessionCheckMs);
        recheck.unref();
        socket.once('close', () => clearInterval(recheck));
        return true;
      },
      onSubscribe: (ctx, _id, payload) => {
        const context = ctx.extra.context;
        if (!context) return [new GraphQLError('Not signed in')];
        // ctx.subscriptions already holds this one.
        if (Object.keys(ctx.subscriptions).length > maxSubscriptions) {
          return [
            appGraphQLError(
              new AppError('rate_limited', `At most ${maxSubscriptions} subscriptions per connection`),
            ),
          ];
        }
        return subscriptionArgs(payload, { ...context, requestId: newRequestId() }, rules);
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!result.errors) return undefined;
        return {
          ...(result.data === undefined ? {} : { data: result.data }),
          errors: result.errors.map(masked),
          ...(result.extensions ? { extensions: result.extensions } : {}),
        };
      },
      onError: (_ctx, _id, _payload, errors) => errors.map(masked),
    },
    wss,
    options.keepAliveMs,
  );

  return {
    get connections() {
      return wss.clients.size;
    },
    async stop() {
      stopping = true;
      const disposed = disposable.dispose();
      const cut = setTimeout(() => {
        for (const client of wss.clients) client.terminate();
      }, CLOSE_GRACE_MS);
      try {
        await disposed;
      } finally {
        clearTimeout(cut);
        server.off('upgrade', onUpgrade);
      }
    },
  };
}

/**
 * Only subscriptions: queries and mutations go over HTTP, where every request signs in afresh, has the body
 * limit, and leaves its address in the audit log.
 */
function subscriptionArgs(
  payload: SubscribePayload,
  contextValue: GraphQLContext,
  rules: readonly ValidationRule[],
): ExecutionArgs | readonly GraphQLError[] {
  let document: ReturnType<typeof parseDocument>;
  try {
    document = parseDocument(payload.query);
  } catch (error) {
    return [error instanceof GraphQLError ? error : new GraphQLError('Syntax error')];
  }
  // The HTTP endpoint's rules: graphql's own plus the depth, cost and alias limits (and no introspection).
  const errors = validate(schema, document, rules);
  if (errors.length > 0) return errors;
  const operation = getOperationAST(document, payload.operationName);
  if (!operation) return [new GraphQLError('Unable to identify the operation')];
  if (operation.operation !== 'subscription') {
    return [
      appGraphQLError(
        new AppError(
          'invalid_request',
          'Only subscriptions are served over WebSocket; send the rest over HTTP',
        ),
      ),
    ];
  }
  return {
    schema,
    document,
    operationName: payload.operationName,
    variableValues: payload.variables,
    contextValue,
  };
}

function appGraphQLError(error: AppError): GraphQLError {
  return new GraphQLError(error.message, { originalError: error });
}

function pathOf(url: string | undefined): string {
  const path = url ?? '/';
  const queryAt = path.indexOf('?');
  return queryAt === -1 ? path : path.slice(0, queryAt);
}

function addressOf(request: IncomingMessage, trustProxy: boolean): string {
  const forwarded = request.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  if (trustProxy && first) return first;
  return request.socket.remoteAddress ?? 'unknown';
}
