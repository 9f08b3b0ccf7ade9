// How errors leave the GraphQL API: expected ones (AppError) keep their message and get a stable
// `extensions.code` (and the offending field for validation errors); anything else is masked.
import { GraphQLError } from 'graphql';
import { AppError } from '../errors/app-error.js';

const MASKED = 'Unexpected error';
const VARIABLE_ERROR = /^Variable "\$([^"]+)" got invalid value/;

/**
 * For yoga's `maskedErrors.maskError`: unwraps the resolver's error and decides what the client may see.
 * `onUnexpected` receives what was masked, so it is logged rather than lost behind `INTERNAL`.
 */
export function maskGraphQLError(
  error: unknown,
  message: string,
  onUnexpected?: (error: unknown) => void,
): Error {
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
  // Variables that do not fit their types (an unknown enum value, a malformed DateTime) are the client's
  // mistake, reported before execution; graphql-js names the offending path in the message.
  if (error instanceof GraphQLError && !path && VARIABLE_ERROR.test(error.message)) {
    const field = /at "([^"]+)"/.exec(error.message)?.[1] ?? VARIABLE_ERROR.exec(error.message)?.[1];
    return new GraphQLError(error.message, {
      ...(error.nodes ? { nodes: error.nodes } : {}),
      extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}) },
    });
  }
  // Yoga's body limit (bodies without a content-length are cut as they arrive) has its own code for it.
  if (error instanceof GraphQLError && error.extensions.code === 'REQUEST_ENTITY_TOO_LARGE') {
    return new GraphQLError(error.message, {
      extensions: { ...error.extensions, code: 'PAYLOAD_TOO_LARGE' },
    });
  }
  // GraphQL's own errors (syntax, validation) are the client's and say nothing secret.
  if (error instanceof GraphQLError && !error.originalError) return error;
  onUnexpected?.(original);
  return new GraphQLError(message || MASKED, { ...(path ? { path } : {}), extensions: { code: 'INTERNAL' } });
}
