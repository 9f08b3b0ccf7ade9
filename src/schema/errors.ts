// How errors leave the GraphQL API: expected ones (AppError) keep their message and get a stable
// `extensions.code` (and the offending field for validation errors); anything else is masked.
import { GraphQLError } from 'graphql';
import { AppError } from '../errors/app-error.js';

const MASKED = 'Unexpected error';

/** For yoga's `maskedErrors.maskError`: unwraps the resolver's error and decides what the client may see. */
export function maskGraphQLError(error: unknown, message: string): Error {
  const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
  const path = error instanceof GraphQLError ? error.path : undefined;
  if (original instanceof AppError && original.code !== 'internal') {
    const field = original.details?.field;
    return new GraphQLError(original.message, {
      ...(path ? { path } : {}),
      extensions: {
        code: original.code.toUpperCase(),
        ...(typeof field === 'string' ? { field } : {}),
        ...(original.retryAfterSeconds === undefined
          ? {}
          : { retryAfterSeconds: original.retryAfterSeconds }),
      },
    });
  }
  // GraphQL's own errors (syntax, validation) are the client's and say nothing secret.
  if (error instanceof GraphQLError && !error.originalError) return error;
  return new GraphQLError(message || MASKED, { ...(path ? { path } : {}), extensions: { code: 'INTERNAL' } });
}
