// The GraphQL endpoint (graphql-yoga) on the express app: context per request (the signed-in user from the
// bearer token), error masking, no GraphiQL outside development.
import type { Express, Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../lib/logger.js';
import type { GraphQLContext } from '../schema/builder.js';
import { maskGraphQLError } from '../schema/errors.js';
import { schema } from '../schema/index.js';
import { useQueryLimits } from '../schema/limits.js';
import type { Services } from '../services/container.js';
import { buildGraphQLContext } from './graphql-context.js';

export const GRAPHQL_PATH = '/graphql';

export interface GraphQLEndpointOptions {
  services: Services;
  logger: Logger;
  graphiql: boolean;
  bodyLimitBytes: number;
}

/** Express's request and response when served over HTTP; absent when a test calls `yoga.fetch`. */
type ServerContext = Partial<{ req: Request; res: Response }>;

/**
 * The yoga instance itself, without express: the HTTP endpoint mounts it, and tests drive it in process
 * through `yoga.fetch`. Credentials come from the Fetch request's headers, so both paths read them alike.
 */
export function createGraphQLServer(services: Services, options: { graphiql: boolean }) {
  return createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    graphiql: options.graphiql,
    landingPage: false,
    logging: false,
    maskedErrors: { maskError: maskGraphQLError },
    plugins: [useQueryLimits(), subscriptionsOverWebSocketOnly],
    context: ({ request, req, res }) =>
      buildGraphQLContext(services, {
        requestId: String(res?.getHeader('x-request-id') ?? request.headers.get('x-request-id') ?? ''),
        authorization: request.headers.get('authorization') ?? undefined,
        apiKey: request.headers.get('x-api-key')?.trim() || undefined,
        address: req ? (req.ip ?? req.socket.remoteAddress ?? 'unknown') : 'in-process',
      }),
  });
}

export function mountGraphQL(app: Express, options: GraphQLEndpointOptions): void {
  const yoga = createGraphQLServer(options.services, { graphiql: options.graphiql });
  // `all`, not `use`: a mounted middleware would see its path stripped, and yoga matches on the full path.
  // requestListener sends yoga's response and hands `req`/`res` to the context as the server context.
  app.all(GRAPHQL_PATH, (req, res, next) => {
    // Yoga reads the body itself and sets no limit; bodies that announce their size are checked first.
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
