// Typed live subscriptions for admin tools and dashboards: the generated subscription documents over
// graphql-ws at /graphql, signed in with the current access token on every (re)connection.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { RelayGraphQLError } from './graphql-client.js';

export interface RelayLiveClientOptions {
  /** Called on every connection, so a reconnect (the server closes with 4403 when a session ends) signs in afresh. */
  accessToken: () => string | undefined | Promise<string | undefined>;
  /** A WebSocket implementation outside browsers: `ws`'s default export in Node. */
  webSocketImpl?: unknown;
  /** Reconnect attempts after the connection drops (default 5; the server's 1001 on shutdown is one). */
  retryAttempts?: number;
  /** Told when the connection comes up, drops (and is being retried with backoff) or closes on purpose. */
  onStatus?: (status: RelayLiveStatus) => void;
}

/**
 * `connected`: events flow. `reconnecting`: the socket dropped and graphql-ws retries with randomised
 * exponential backoff, resubscribing on success. `idle`: closed on purpose (no subscription left, disposed).
 */
export type RelayLiveStatus = 'connecting' | 'connected' | 'reconnecting' | 'idle';

/** The close code graphql-ws uses when it closes an unused connection or is disposed. */
const NORMAL_CLOSURE = 1000;

export interface RelayLiveClient {
  /**
   * The subscription's events. A refusal (role, validation) throws RelayGraphQLError with its code; a refused
   * or lost connection throws the socket's close event (`code` 4403: no valid access token).
   */
  subscribe<Result, Variables extends Record<string, unknown>>(
    document: TypedDocumentNode<Result, Variables>,
    variables: Variables,
  ): AsyncIterableIterator<Result>;
  /** Closes the connection, ending every subscription. */
  dispose(): Promise<void>;
}

export function createRelayLiveClient(baseUrl: string, options: RelayLiveClientOptions): RelayLiveClient {
  const client: Client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws').replace(/\/+$/, '')}/graphql`,
    webSocketImpl: options.webSocketImpl,
    retryAttempts: options.retryAttempts ?? 5,
    on: {
      connecting: (isRetry) => options.onStatus?.(isRetry ? 'reconnecting' : 'connecting'),
      connected: () => options.onStatus?.('connected'),
      closed: (event) => {
        const code = (event as { code?: number } | undefined)?.code;
        options.onStatus?.(code === NORMAL_CLOSURE ? 'idle' : 'reconnecting');
      },
    },
    connectionParams: async () => {
      const token = await options.accessToken();
      return token === undefined ? {} : { authorization: `Bearer ${token}` };
    },
  });
  const printed = new WeakMap<object, string>();
  return {
    subscribe<Result, Variables extends Record<string, unknown>>(
      document: TypedDocumentNode<Result, Variables>,
      variables: Variables,
    ): AsyncIterableIterator<Result> {
      let query = printed.get(document);
      if (query === undefined) {
        query = print(document);
        printed.set(document, query);
      }
      const source = client.iterate<Result>({ query, variables });
      const iterator: AsyncIterableIterator<Result> = {
        async next() {
          let result: Awaited<ReturnType<typeof source.next>>;
          try {
            result = await source.next();
          } catch (error) {
            throw asGraphQLError(error);
          }
          if (result.done) return { done: true, value: undefined };
          const error = result.value.errors?.[0];
          if (error) throw relayError(error);
          if (result.value.data == null)
            throw new RelayGraphQLError('An event without data', undefined, undefined);
          return { done: false, value: result.value.data };
        },
        // Not an async generator: its return() would wait for a pending next(), i.e. for the next event.
        async return() {
          await source.return?.();
          return { done: true, value: undefined };
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
    dispose: async () => {
      await client.dispose();
    },
  };
}

interface FormattedError {
  message: string;
  extensions?: Record<string, unknown>;
}

function relayError(error: FormattedError): RelayGraphQLError {
  const code = error.extensions?.code;
  const field = error.extensions?.field;
  return new RelayGraphQLError(
    error.message,
    typeof code === 'string' ? code : undefined,
    typeof field === 'string' ? field : undefined,
  );
}

/** graphql-ws rejects with the server's error list for refused operations; close events pass unchanged. */
function asGraphQLError(error: unknown): unknown {
  if (Array.isArray(error) && error.length > 0) return relayError(error[0] as FormattedError);
  return error;
}
