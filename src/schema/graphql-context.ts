// The GraphQL context, built the same way for HTTP requests (graphql-yoga) and WebSocket connections
// (graphql-ws): the services, the caller's address, the user behind a bearer token and a key holder.

import { identifyCaller } from '../services/auth/caller-identity.js';
import type { Services } from '../services/container.js';
import type { GraphQLContext } from './builder.js';

export interface GraphQLCaller {
  requestId: string;
  /** The `Authorization` value: a header over HTTP, `connectionParams.authorization` over WebSocket. */
  authorization: string | undefined;
  /** A relay key presented as `x-api-key`: its holder may read that key (`myApiKey`), nothing else. */
  apiKey?: string | undefined;
  address: string;
}

export async function buildGraphQLContext(
  services: Services,
  caller: GraphQLCaller,
): Promise<GraphQLContext> {
  return {
    requestId: caller.requestId,
    services,
    address: caller.address,
    ...(await identifyCaller(services.auth, services.apiKeys, caller)),
  };
}
