// Typed GraphQL client for admin tools: sends the generated documents (clients/generated/graphql) over
// fetch; results and variables are typed by the document. Imports nothing from the server.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

/** An error the API answered with: `code` is its stable `extensions.code`, `field` the input at fault. */
export class RelayGraphQLError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly field: string | undefined,
  ) {
    super(message);
    this.name = 'RelayGraphQLError';
  }
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string; field?: string } }>;
}

export interface RelayGraphQLClient {
  request<Result, Variables extends Record<string, unknown>>(
    document: TypedDocumentNode<Result, Variables>,
    variables: Variables,
  ): Promise<Result>;
}

/** `headers` is called per request, so a caller can swap the access token after a refresh. */
export function createRelayGraphQLClient(
  baseUrl: string,
  headers: () => Record<string, string> = () => ({}),
): RelayGraphQLClient {
  // Printing a document is not free and documents are module constants: print each once.
  const printed = new WeakMap<object, string>();
  return {
    async request(document, variables) {
      let query = printed.get(document);
      if (query === undefined) {
        query = print(document);
        printed.set(document, query);
      }
      const response = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers() },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as GraphQLResponse<never>;
      const error = body.errors?.[0];
      if (error) throw new RelayGraphQLError(error.message, error.extensions?.code, error.extensions?.field);
      if (!body.data)
        throw new RelayGraphQLError(`HTTP ${response.status} without data`, undefined, undefined);
      return body.data;
    },
  };
}
