// The GraphQL endpoint (graphql-yoga) on the express app: context per request (the signed-in user from the
// bearer token), error masking, no GraphiQL outside development.
import type { Express, Request, Response } from 'express';
import { createYoga } from 'graphql-yoga';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../lib/logger.js';
import type { GraphQLContext } from '../schema/builder.js';
import { maskGraphQLError } from '../schema/errors.js';
import { schema } from '../schema/index.js';
import type { Principal } from '../services/auth/auth-service.js';
import type { Services } from '../services/container.js';

export const GRAPHQL_PATH = '/graphql';

export interface GraphQLEndpointOptions {
  services: Services;
  logger: Logger;
  graphiql: boolean;
  bodyLimitBytes: number;
}

export function mountGraphQL(app: Express, options: GraphQLEndpointOptions): void {
  const yoga = createYoga<{ req: Request; res: Response }, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    graphiql: options.graphiql,
    landingPage: false,
    logging: false,
    maskedErrors: { maskError: maskGraphQLError },
    context: async ({ req, res }) => ({
      requestId: String(res.getHeader('x-request-id') ?? ''),
      services: options.services,
      ...(await signedIn(req, options.services)),
      address: req.ip ?? req.socket.remoteAddress ?? 'unknown',
    }),
  });
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
 * The user behind `Authorization: Bearer <access token>`. A missing header is an anonymous caller; a bad or
 * ended token is too (so `login` and `refreshSession` still work), and protected fields report why.
 */
async function signedIn(
  req: Request,
  services: Services,
): Promise<{ principal: Principal | undefined; authError: AppError | undefined }> {
  const header = req.headers.authorization;
  if (!header?.startsWith('Bearer ')) return { principal: undefined, authError: undefined };
  try {
    return { principal: await services.auth.authenticate(header.slice(7).trim()), authError: undefined };
  } catch (error) {
    if (error instanceof AppError) return { principal: undefined, authError: error };
    throw error;
  }
}
