// How errors leave the tRPC API: every failure becomes an AppError first, so the tRPC code, the HTTP status
// and `data.appCode` (as GraphQL's `extensions.code`) follow the one code table; unexpected errors are masked.
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { AppError } from '../errors/app-error.js';
import type { ErrorCode } from '../errors/codes.js';
import { type InputIssue, invalidInput } from '../services/validation.js';

/** The tRPC code for each HTTP status an AppError can carry; tRPC derives the response status from it. */
const CODE_OF_STATUS: Partial<Record<number, TRPC_ERROR_CODE_KEY>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  402: 'PAYMENT_REQUIRED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_SUPPORTED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_SERVER_ERROR',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
  // Anthropic's "overloaded": tRPC has no such code, and to a control-plane client it means the same.
  529: 'SERVICE_UNAVAILABLE',
};

/** Refusals tRPC raises itself (unknown procedure, wrong method, batch or body too large, unparsable JSON). */
const APP_CODE_OF_TRPC: Record<TRPC_ERROR_CODE_KEY, ErrorCode> = {
  PARSE_ERROR: 'invalid_json',
  BAD_REQUEST: 'invalid_request',
  INTERNAL_SERVER_ERROR: 'internal',
  NOT_IMPLEMENTED: 'internal',
  BAD_GATEWAY: 'upstream_error',
  SERVICE_UNAVAILABLE: 'unavailable',
  GATEWAY_TIMEOUT: 'upstream_timeout',
  UNAUTHORIZED: 'unauthenticated',
  PAYMENT_REQUIRED: 'quota_exceeded',
  FORBIDDEN: 'permission_denied',
  NOT_FOUND: 'not_found',
  METHOD_NOT_SUPPORTED: 'method_not_allowed',
  TIMEOUT: 'unavailable',
  CONFLICT: 'conflict',
  PRECONDITION_FAILED: 'invalid_request',
  PAYLOAD_TOO_LARGE: 'payload_too_large',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported_media_type',
  UNPROCESSABLE_CONTENT: 'invalid_request',
  PRECONDITION_REQUIRED: 'invalid_request',
  TOO_MANY_REQUESTS: 'rate_limited',
  CLIENT_CLOSED_REQUEST: 'invalid_request',
};

/** What clients see instead of an unexpected error's message. */
export const MASKED_MESSAGE = 'Internal server error';

export interface TrpcErrorView {
  code: TRPC_ERROR_CODE_KEY;
  httpStatus: number;
  appError: AppError;
}

/**
 * What a tRPC error means for the client. A procedure's AppError is tRPC's `cause`; a failed `.input()` is a
 * BAD_REQUEST whose cause carries the validator's issues. Issues anywhere else come from parsing stored data,
 * which is our fault, not the caller's: they stay internal.
 */
export function viewOf(error: TRPCError): TrpcErrorView {
  const appError = appErrorOf(error);
  const mapped = CODE_OF_STATUS[appError.httpStatus];
  if (mapped) return { code: mapped, httpStatus: appError.httpStatus, appError };
  return appError.httpStatus < 500
    ? { code: 'BAD_REQUEST', httpStatus: 400, appError }
    : { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500, appError };
}

/**
 * The same failure as a TRPCError carrying its mapped code, the client-safe message and the AppError as its
 * cause, so in-process callers (`createCaller`) see what HTTP clients see.
 */
export function toTrpcError(error: TRPCError): TRPCError {
  const { code, appError } = viewOf(error);
  if (error.code === code && error.cause === appError) return error;
  const message = appError.code === 'internal' ? MASKED_MESSAGE : appError.message;
  return new TRPCError({ code, message, cause: appError });
}

function appErrorOf(error: TRPCError): AppError {
  const cause = error.cause;
  if (cause instanceof AppError) return cause;
  if (error.code === 'BAD_REQUEST' && hasIssues(cause)) return invalidInput(cause.issues);
  // tRPC reports a body or `?input=` it could not parse as a BAD_REQUEST caused by JSON.parse.
  if (error.code === 'BAD_REQUEST' && cause instanceof SyntaxError) {
    return new AppError('invalid_json', 'The input is not valid JSON', { cause });
  }
  const code = APP_CODE_OF_TRPC[error.code];
  // tRPC's own messages say nothing secret; anything internal keeps the AppError's fixed message.
  return code === 'internal'
    ? new AppError('internal', MASKED_MESSAGE, { cause: cause ?? error })
    : new AppError(code, error.message, { cause: error });
}

function hasIssues(value: unknown): value is { issues: InputIssue[] } {
  if (typeof value !== 'object' || value === null || !('issues' in value)) return false;
  const issues: unknown = value.issues;
  return (
    Array.isArray(issues) &&
    issues.every(
      (issue: unknown) =>
        typeof issue === 'object' &&
        issue !== null &&
        'message' in issue &&
        typeof issue.message === 'string',
    )
  );
}
