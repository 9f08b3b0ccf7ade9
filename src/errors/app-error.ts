// The one error type every layer throws; each surface renders it in its own client format.
import { ERROR_CODES, type ErrorCode } from './codes.js';
import { isStoreUnavailable } from './store-unavailable.js';

export interface AppErrorOptions {
  cause?: unknown;
  /** Overrides the table's status, e.g. to pass an upstream's own 4xx/5xx back unchanged. */
  httpStatus?: number;
  retryable?: boolean;
  /** Machine-readable context for clients (the limit that was hit, the field that is wrong…). */
  details?: Record<string, unknown>;
  /** Seconds the client should wait before retrying; rendered as a `retry-after` header. */
  retryAfterSeconds?: number;
  /** Format-specific error type to show instead of the table's (e.g. the upstream's own type). */
  clientType?: string;
  /**
   * The upstream's own error code and parameter, for formats whose clients act on them (OpenAI's
   * `context_length_exceeded` on `input`): shown in place of the relay's code where the format has the field.
   */
  upstreamCode?: string;
  upstreamParam?: string;
  /** Headers a client reads with this refusal (Claude Code's `anthropic-ratelimit-unified-*` on a spend cap). */
  headers?: Record<string, string>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly clientType: string | undefined;
  readonly upstreamCode: string | undefined;
  readonly upstreamParam: string | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.httpStatus = options.httpStatus ?? ERROR_CODES[code].status;
    this.retryable = options.retryable ?? ERROR_CODES[code].retryable;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.clientType = options.clientType;
    this.upstreamCode = options.upstreamCode;
    this.upstreamParam = options.upstreamParam;
    this.headers = options.headers;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Seconds a client is told to wait when the store is away: long enough for a reconnect, short for a blip. */
const STORE_RETRY_AFTER_SECONDS = 1;

/**
 * Anything thrown that is not an AppError is an internal error whose message must not reach clients, except
 * the store's client failing to reach Redis: that is a retryable 503, whichever layer it surfaced in.
 */
export function toAppError(value: unknown): AppError {
  if (value instanceof AppError) return value;
  if (isStoreUnavailable(value)) return storeUnavailableError(value);
  return new AppError('internal', 'Internal server error', { cause: value });
}

/** The answer while Redis is stopped, frozen or unreachable: retryable, with a short `retry-after`. */
export function storeUnavailableError(cause?: unknown): AppError {
  return new AppError('store_unavailable', 'The relay cannot reach its data store; retry shortly', {
    ...(cause === undefined ? {} : { cause }),
    retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
  });
}
