// An upstream's in-stream error, shown to a Gemini client as google.rpc.Status through the relay's one Gemini
// error shape: a Google status keeps its name and code; another provider's error type gets Google's nearest.
import { AppError } from '../../../errors/app-error.js';
import type { CanonicalStreamError } from '../../canonical/response.js';

/** google.rpc.Code names with the HTTP status Google answers them with. */
const GOOGLE_STATUS: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  ABORTED: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  DATA_LOSS: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** Other formats' error types (Anthropic's, OpenAI's) as Google statuses. */
const FOREIGN: Readonly<Record<string, string>> = {
  overloaded_error: 'UNAVAILABLE',
  rate_limit_error: 'RESOURCE_EXHAUSTED',
  rate_limit_exceeded: 'RESOURCE_EXHAUSTED',
  insufficient_quota: 'RESOURCE_EXHAUSTED',
  invalid_request_error: 'INVALID_ARGUMENT',
  authentication_error: 'UNAUTHENTICATED',
  permission_error: 'PERMISSION_DENIED',
  not_found_error: 'NOT_FOUND',
  request_too_large: 'INVALID_ARGUMENT',
  timeout_error: 'DEADLINE_EXCEEDED',
};

export function upstreamStreamError(error: CanonicalStreamError): AppError {
  const status = GOOGLE_STATUS[error.type] !== undefined ? error.type : (FOREIGN[error.type] ?? 'INTERNAL');
  return new AppError('upstream_error', error.message, {
    httpStatus: GOOGLE_STATUS[status] ?? 500,
    clientType: status,
  });
}
