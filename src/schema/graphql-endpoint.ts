// The GraphQL endpoint (graphql-yoga) on the express app: context per request (the signed-in user from the
// bearer token), error masking, document limits, CORS only for configured origins, no GraphiQL outside
// development.
import type { Express, Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import { AppError } from '../errors/app-error.js';
import { markAuthenticated } from '../http/connection-limits.js';
import { corsForOrigins } from '../http/cors.js';
import { bodyUnread } from '../http/read-body.js';
import type { Logger } from '../lib/logger.js';
import type { Services } from '../services/container.js';
import type { GraphQLContext } from './builder.js';
import { maskGraphQLError } from './errors.js';
import { buildGraphQLContext } from './graphql-context.js';
import { schema } from './index.js';
import { useDocumentLimits } from './limits.js';

export const GRAPHQL_PATH = '/graphql';

export interface GraphQLServerOptions {
  graphiql: boolean;
  /** Serve `__schema`/`__type` (the server turns it off in production unless enabled); default on. */
  introspection?: boolean;
  /** Largest request body, declared or not; in-process callers (`yoga.fetch`) may leave it to yoga. */
  bodyLimitBytes?: number;
  /** Where errors that were masked as INTERNAL are reported. */
  logger?: Logger;
}

export interface GraphQLEndpointOptions extends GraphQLServerOptions {
  services: Services;
  logger: Logger;
  introspection: boolean;
  bodyLimitBytes: number;
  /** Web origins allowed by CORS, exactly; none means no CORS headers at all. */
  corsOrigins: readonly string[];
}

/** Express's request and response when served over HTTP; absent when a test calls `yoga.fetch`. */
type ServerContext = Partial<{ req: Request; res: Response }>;

/**
 * The yoga instance itself, without express: the HTTP endpoint mounts it, and tests drive it in process
 * through `yoga.fetch`. Credentials come from the Fetch request's headers, so both paths read them alike.
 */
export function createGraphQLServer(services: Services, options: GraphQLServerOptions) {
  const { logger } = options;
  return createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    graphiql: options.graphiql,
    landingPage: false,
    logging: false,
    // CORS is the express mount's (http/cors.ts): yoga's own reflects any origin with credentials.
    cors: false,
    // Cuts bodies at the limit whatever their framing: chunked bodies announce no size.
    ...(options.bodyLimitBytes === undefined ? {} : { maxRequestBodySize: options.bodyLimitBytes }),
    maskedErrors: {
      maskError: (error, message) =>
        maskGraphQLError(error, message, (unexpected) =>
          logger?.error({ err: unexpected }, 'unhandled GraphQL error'),
        ),
    },
    plugins: [
      useDocumentLimits({ introspection: options.introspection ?? true }),
      subscriptionsOverWebSocketOnly,
      closeWhenBodyUnread,
    ],
    context: async ({ request, req, res }) => {
      const context = await buildGraphQLContext(services, {
        requestId: String(res?.getHeader('x-request-id') ?? request.headers.get('x-request-id') ?? ''),
        authorization: request.headers.get('authorization') ?? undefined,
        apiKey: request.headers.get('x-api-key')?.trim() || undefined,
        address: req ? (req.ip ?? req.socket.remoteAddress ?? 'unknown') : 'in-process',
      });
      // A caller who signed in (or holds a valid key) no longer counts against the anonymous bound.
      if (req && (context.principal || context.keyHolder)) markAuthenticated(req.socket);
      return context;
    },
  });
}

export function mountGraphQL(app: Express, options: GraphQLEndpointOptions): void {
  const yoga = createGraphQLServer(options.services, options);
  const cors = corsForOrigins(options.corsOrigins);
  if (cors) app.all(GRAPHQL_PATH, cors);
  // `all`, not `use`: a mounted middleware would see its path stripped, and yoga matches on the full path.
  // requestListener sends yoga's response and hands `req`/`res` to the context as the server context.
  app.all(GRAPHQL_PATH, (req, res, next) => {
    // A declared size is checked before yoga starts (and the answer closes the connection unread).
    if (Number(req.headers['content-length'] ?? 0) > options.bodyLimitBytes) {
      next(new AppError('payload_too_large', `The request body exceeds ${options.bodyLimitBytes} bytes`));
      return;
    }
    void yoga.requestListener(req, res);
  });
}

/**
 * Subscriptions are served by graphql-ws (http/graphql-ws.ts), whose bounds they rely on: awaited socket
 * writes and keep-alive. Over HTTP, yoga would stream them as SSE without those (and with a JSON `accept` it
 * answered 406 while leaving the subscription open), so they are refused before the stream starts.
 */
const subscriptionsOverWebSocketOnly: Plugin = {
  onSubscribe: ({ setResultAndStopExecution }) => {
    // Set as the result, so masking does not see it: it carries the code the masking would give it.
    setResultAndStopExecution({
      errors: [
        new GraphQLError('Subscriptions are served over WebSocket (graphql-ws) at /graphql', {
          extensions: { code: 'INVALID_REQUEST', http: { status: 400 } },
        }),
      ],
    });
  },
};

/**
 * An answer given before the body was read (yoga cut it at the limit) says `connection: close`, as the relay's
 * own refusals do; the app closes the socket once it is flushed either way (http/app.ts).
 */
const closeWhenBodyUnread: Plugin<Record<string, unknown>, ServerContext> = {
  onResponse({ serverContext, response }) {
    if (serverContext.req && bodyUnread(serverContext.req)) response.headers.set('connection', 'close');
  },
};
