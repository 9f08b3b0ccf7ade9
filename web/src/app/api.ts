// The dashboard's GraphQL client: the generated documents over the project's own typed client, with the
// signed-in user's access token, refreshed once and retried when the server says it has expired.
import {
  createRelayGraphQLClient,
  type RelayGraphQLClient,
  RelayGraphQLError,
} from '@clients/graphql-client';
import { SessionStore } from './session-store';

/** The relay serving this page: the dashboard always talks to its own origin. */
export const relayOrigin = window.location.origin;

const anonymous = createRelayGraphQLClient(relayOrigin);
export const sessions = new SessionStore(anonymous);

let currentToken: string | undefined;
const withToken = createRelayGraphQLClient(
  relayOrigin,
  (): Record<string, string> => (currentToken ? { authorization: `Bearer ${currentToken}` } : {}),
);

export const api: RelayGraphQLClient = {
  async request(document, variables) {
    currentToken = await sessions.accessToken();
    try {
      return await withToken.request(document, variables);
    } catch (error) {
      // The token expired between the check and the server (clock skew, a revoked session): refresh once.
      if (!(error instanceof RelayGraphQLError) || error.code !== 'UNAUTHENTICATED' || !currentToken)
        throw error;
      const refreshed = await sessions.refresh();
      if (!refreshed) throw error;
      currentToken = refreshed.accessToken;
      return withToken.request(document, variables);
    }
  },
};

/** A client that signs in with a relay key instead of a user (the key-holder page); the key stays in memory. */
export function keyHolderClient(relayKey: string): RelayGraphQLClient {
  return createRelayGraphQLClient(relayOrigin, () => ({ 'x-api-key': relayKey }));
}
