// The one table from stable error code to HTTP status, retryability and each client format's error type.

export interface ErrorCodeSpec {
  readonly status: number;
  readonly retryable: boolean;
  /** Anthropic `error.type`. */
  readonly anthropic: string;
  /** OpenAI `error.type`. */
  readonly openai: string;
  /** Gemini / Google RPC `error.status`. */
  readonly gemini: string;
}

export const ERROR_CODES = {
  invalid_request: {
    status: 400,
    retryable: false,
    anthropic: 'invalid_request_error',
    openai: 'invalid_request_error',
    gemini: 'INVALID_ARGUMENT',
  },
  invalid_json: {
    status: 400,
    retryable: false,
    anthropic: 'invalid_request_error',
    openai: 'invalid_request_error',
    gemini: 'INVALID_ARGUMENT',
  },
  unauthenticated: {
    status: 401,
    retryable: false,
    anthropic: 'authentication_error',
    openai: 'invalid_request_error',
    gemini: 'UNAUTHENTICATED',
  },
  quota_exceeded: {
    status: 402,
    retryable: false,
    anthropic: 'billing_error',
    openai: 'insufficient_quota',
    gemini: 'RESOURCE_EXHAUSTED',
  },
  permission_denied: {
    status: 403,
    retryable: false,
    anthropic: 'permission_error',
    openai: 'permission_error',
    gemini: 'PERMISSION_DENIED',
  },
  not_found: {
    status: 404,
    retryable: false,
    anthropic: 'not_found_error',
    openai: 'invalid_request_error',
    gemini: 'NOT_FOUND',
  },
  method_not_allowed: {
    status: 405,
    retryable: false,
    anthropic: 'invalid_request_error',
    openai: 'invalid_request_error',
    gemini: 'INVALID_ARGUMENT',
  },
  /** The client stopped sending its request body; retrying on a new connection may well succeed. */
  request_timeout: {
    status: 408,
    retryable: true,
    anthropic: 'invalid_request_error',
    openai: 'invalid_request_error',
    gemini: 'DEADLINE_EXCEEDED',
  },
  conflict: {
    status: 409,
    retryable: false,
    anthropic: 'invalid_request_error',
    openai: 'invalid_request_error',
    gemini: 'ALREADY_EXISTS',
  },
  payload_too_large: {
    status: 413,
    retryable: false,
    anthropic: 'request_too_large',
    openai: 'invalid_request_error',
    gemini: 'INVALID_ARGUMENT',
  },
  unsupported_media_type: {
    status: 415,
    retryable: false,
    anthropic: 'invalid_request_error',
    openai: 'invalid_request_error',
    gemini: 'INVALID_ARGUMENT',
  },
  rate_limited: {
    status: 429,
    retryable: true,
    anthropic: 'rate_limit_error',
    openai: 'rate_limit_exceeded',
    gemini: 'RESOURCE_EXHAUSTED',
  },
  concurrency_limited: {
    status: 429,
    retryable: true,
    anthropic: 'rate_limit_error',
    openai: 'rate_limit_exceeded',
    gemini: 'RESOURCE_EXHAUSTED',
  },
  internal: {
    status: 500,
    retryable: true,
    anthropic: 'api_error',
    openai: 'server_error',
    gemini: 'INTERNAL',
  },
  upstream_error: {
    status: 502,
    retryable: true,
    anthropic: 'api_error',
    openai: 'server_error',
    gemini: 'INTERNAL',
  },
  unavailable: {
    status: 503,
    retryable: true,
    anthropic: 'api_error',
    openai: 'server_error',
    gemini: 'UNAVAILABLE',
  },
  /**
   * The relay's own store (Redis) is stopped, frozen or unreachable: nothing can be admitted or recorded, so
   * the request is refused at once, and a client may retry shortly (on another instance, or once it is back).
   */
  store_unavailable: {
    status: 503,
    retryable: true,
    anthropic: 'api_error',
    openai: 'server_error',
    gemini: 'UNAVAILABLE',
  },
  no_account_available: {
    status: 503,
    retryable: true,
    anthropic: 'overloaded_error',
    openai: 'server_error',
    gemini: 'UNAVAILABLE',
  },
  /**
   * The upstream refused the account's own credential (an OAuth refresh token revoked or rotated away): the
   * account needs re-authorising, and another account may still serve the request.
   */
  upstream_auth_failed: {
    status: 502,
    retryable: true,
    anthropic: 'api_error',
    openai: 'server_error',
    gemini: 'INTERNAL',
  },
  upstream_timeout: {
    status: 504,
    retryable: true,
    anthropic: 'api_error',
    openai: 'server_error',
    gemini: 'DEADLINE_EXCEEDED',
  },
  upstream_overloaded: {
    status: 529,
    retryable: true,
    anthropic: 'overloaded_error',
    openai: 'server_error',
    gemini: 'UNAVAILABLE',
  },
} as const satisfies Record<string, ErrorCodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}
