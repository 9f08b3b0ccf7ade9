// What an exchange is asked to do and how it ended, and the two ways a failure becomes that result:
// answered to the client now, or held back (nothing sent) for the caller to retry on another account.
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AppError } from '../../errors/app-error.js';
import type { ErrorShape } from '../../errors/error-shape.js';
import { sendError } from '../../http/send.js';
import type { RateLimitReading, UpstreamSignal } from '../../services/accounts/account-signals.js';
import type { Outcome, TokenUsage } from '../../services/usage/usage-types.js';
import { ZERO_USAGE } from '../../services/usage/usage-types.js';
import type { UpstreamCall, UpstreamTransport } from '../upstream/transport.js';
import type { AnswerTranslation, PassThroughFormat, ResponseTranslation, TapContext } from './stream-tap.js';

export interface ExchangeRequest {
  res: ServerResponse;
  requestId: string;
  startedAt: number;
  /** How the client reads an error answer. */
  errors: ErrorShape;
  /** The format the account answers in, whose tap reads the answer's usage (the client's, unless `answer`). */
  format: PassThroughFormat;
  transport: UpstreamTransport;
  call: UpstreamCall;
  /** What the format's tap is told about the request. */
  tapContext: TapContext;
  /** Whether the client asked for a stream (from the body or path, never from Accept). */
  stream: boolean;
  /** The client's query string (without `?`): a translation frames a stream as the client asked (`alt=sse`). */
  clientQuery: string;
  clientAcceptEncoding: string | undefined;
  maxResponseBytes: number;
  /**
   * Asked about each failure that happens while nothing has reached the client yet: true holds it back (the
   * caller will try another account) instead of answering it. Streams are then held until their first
   * content event, so an error event before any content can still be retried.
   */
  holdForRetry?: ((signal: UpstreamSignal) => boolean) | undefined;
  /**
   * Set for upstreams whose wire format is not their format's (Bedrock's event stream, Code Assist's wrapping):
   * how their answers become that format, which `format` then taps.
   */
  translation?: ResponseTranslation | undefined;
  /** Set when the client speaks another format than the account: how the tapped answer becomes the client's. */
  answer?: AnswerTranslation | undefined;
  /** What the answer's rate-limit headers say, for providers whose vendor has its own (Anthropic's: none). */
  readLimits?: ((headers: IncomingHttpHeaders, now: number) => RateLimitReading | undefined) | undefined;
  /** The upstream's error answer as the AppError the client sees: the account's provider reads it. */
  httpError: (status: number, body: Buffer, headers: IncomingHttpHeaders) => AppError;
}

export interface ExchangeResult {
  status: number;
  outcome: Outcome;
  usage: TokenUsage;
  estimated: boolean;
  ttftMs: number | undefined;
  errorCode: string | undefined;
  /** What went wrong, as the client was told or the upstream said; the request log keeps it. */
  errorMessage?: string | undefined;
  /** What the upstream's answer says about the account; undefined when the client left before it came. */
  signal?: UpstreamSignal | undefined;
  /** Set when the failure was held back: nothing was sent, and `answer` sends it if no retry follows. */
  retry?: { answer: () => ExchangeResult } | undefined;
}

type Answerable = Pick<ExchangeRequest, 'res' | 'requestId' | 'errors' | 'holdForRetry'>;

/** Sends the error in the client's format; the result of an attempt that ended there. */
export function answerError(
  request: Answerable,
  error: AppError,
  signal: UpstreamSignal | undefined,
): ExchangeResult {
  sendError(request.res, error, request.errors, request.requestId);
  return {
    status: error.httpStatus,
    outcome: 'upstream_error',
    usage: { ...ZERO_USAGE },
    estimated: false,
    ttftMs: undefined,
    errorCode: error.code,
    errorMessage: error.message,
    signal,
  };
}

/** A failure held back: nothing was delivered, and providers do not bill a request that failed before content. */
export function heldFailure(
  status: number,
  errorCode: string,
  signal: UpstreamSignal,
  answer: () => ExchangeResult,
): ExchangeResult {
  return {
    status,
    outcome: 'failed_over',
    usage: { ...ZERO_USAGE },
    estimated: false,
    ttftMs: undefined,
    errorCode,
    signal,
    retry: { answer },
  };
}

/**
 * The result of an attempt that failed before any upstream call (say, an OAuth refresh was refused): held
 * back like any other failure when another account may take the request, answered now otherwise.
 */
export function failedBeforeCall(
  request: Answerable,
  error: AppError,
  signal: UpstreamSignal,
): ExchangeResult {
  const answer = () => answerError(request, error, signal);
  if (!request.res.headersSent && request.holdForRetry?.(signal)) {
    return heldFailure(error.httpStatus, error.code, signal, answer);
  }
  return answer();
}

/**
 * What an upstream's error answer says about the account, as its provider read it: a vendor that refuses the
 * account's key with another status than 401 (AI Studio: 400 API_KEY_INVALID) says the credential was refused;
 * one that says when to come back in its body (Google's RetryInfo) says it through the error's retry time.
 */
export function errorAnswerSignal(
  answered: Extract<UpstreamSignal, { kind: 'answered' }>,
  error: AppError,
  now: number,
): UpstreamSignal {
  if (error.code === 'upstream_auth_failed') return { kind: 'credential', message: error.message };
  const signal = { ...answered, message: error.message };
  if (error.retryAfterSeconds !== undefined && signal.limits?.resetAt === undefined) {
    signal.limits = { ...signal.limits, resetAt: now + error.retryAfterSeconds * 1000 };
  }
  return signal;
}
