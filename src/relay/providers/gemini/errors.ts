// Google's error answers: google.rpc.Status `{error:{code,message,status,details}}`, as one object or (on
// streaming calls and from Code Assist) inside a JSON array. The client sees Google's own status and details
// (Gemini CLI reads RetryInfo and QuotaFailure to decide whether to wait or give up); the account's state
// machine is told when to come back: RetryInfo's delay, or for a daily quota the next midnight Pacific time,
// when Google resets it.
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../../../errors/app-error.js';

interface GoogleStatus {
  message: string | undefined;
  status: string | undefined;
  details: unknown[] | undefined;
}

const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';
const QUOTA_FAILURE = 'type.googleapis.com/google.rpc.QuotaFailure';
const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';

export function googleHttpError(status: number, body: Buffer, headers: IncomingHttpHeaders): AppError {
  const { message, status: rpcStatus, details } = readStatus(body);
  const shown = message ?? `The upstream answered ${status}`;
  if (status === 401 || keyRejected(details)) {
    // The upstream rejected the account's credential, not the client's relay key: not the client's 401.
    return new AppError('upstream_auth_failed', `The upstream account was rejected: ${shown}`, {
      httpStatus: 502,
      details: { upstreamStatus: status },
    });
  }
  const retryAfter = retryAfterSeconds(status, details, headers, Date.now());
  // Google's quotas are per model: naming it lets the account rest for that model only.
  const model = status === 429 ? quotaModel(details) : undefined;
  const told = model !== undefined && !shown.includes(model) ? `${shown} (model: ${model})` : shown;
  return new AppError('upstream_error', told, {
    httpStatus: status,
    retryable: status === 408 || status === 409 || status === 429 || status >= 500,
    details: { upstreamStatus: status, ...(details ? { upstreamDetails: details } : {}) },
    ...(rpcStatus ? { clientType: rpcStatus } : {}),
    ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
  });
}

function readStatus(body: Buffer): GoogleStatus {
  try {
    let parsed: unknown = JSON.parse(body.toString('utf8'));
    if (Array.isArray(parsed)) parsed = parsed[0];
    const error = (parsed as { error?: unknown } | null)?.error;
    if (typeof error === 'object' && error !== null) {
      const { message, status, details } = error as Record<string, unknown>;
      return {
        message: typeof message === 'string' ? message : undefined,
        status: typeof status === 'string' ? status : undefined,
        details: Array.isArray(details) ? details : undefined,
      };
    }
  } catch {
    // Not JSON: the text below.
  }
  const text = body.toString('utf8').trim().slice(0, 500);
  return { message: text === '' ? undefined : text, status: undefined, details: undefined };
}

function detailsOf(details: unknown[] | undefined, type: string): Array<Record<string, unknown>> {
  if (!details) return [];
  return details.filter(
    (detail): detail is Record<string, unknown> =>
      typeof detail === 'object' && detail !== null && (detail as Record<string, unknown>)['@type'] === type,
  );
}

/** The model a quota refusal names: QuotaFailure's `quotaDimensions.model`, or Code Assist's ErrorInfo metadata. */
function quotaModel(details: unknown[] | undefined): string | undefined {
  for (const failure of detailsOf(details, QUOTA_FAILURE)) {
    for (const violation of Array.isArray(failure.violations) ? failure.violations : []) {
      const dimensions = (violation as Record<string, unknown> | null)?.quotaDimensions;
      const model = (dimensions as Record<string, unknown> | null | undefined)?.model;
      if (typeof model === 'string' && model !== '') return model;
    }
  }
  for (const info of detailsOf(details, ERROR_INFO)) {
    const model = (info.metadata as Record<string, unknown> | undefined)?.model;
    if (typeof model === 'string' && model !== '') return model;
  }
  return undefined;
}

/** AI Studio answers a bad key with 400 INVALID_ARGUMENT, reason API_KEY_INVALID: the account's fault. */
function keyRejected(details: unknown[] | undefined): boolean {
  return detailsOf(details, ERROR_INFO).some((info) => info.reason === 'API_KEY_INVALID');
}

/**
 * When the account may be asked again: a `retry-after` header if Google sent one, a daily quota's reset (the
 * next midnight in Pacific time), else RetryInfo's `retryDelay` ("37s", "0.54s").
 */
function retryAfterSeconds(
  status: number,
  details: unknown[] | undefined,
  headers: IncomingHttpHeaders,
  now: number,
): number | undefined {
  const header = Number(headers['retry-after']);
  if (Number.isFinite(header) && header >= 0) return header;
  if (status !== 429) return undefined;
  const daily = detailsOf(details, QUOTA_FAILURE).some((failure) =>
    (Array.isArray(failure.violations) ? failure.violations : []).some((violation: unknown) => {
      const id = (violation as Record<string, unknown> | null)?.quotaId;
      return typeof id === 'string' && /PerDay|Daily/.test(id);
    }),
  );
  if (daily || detailsOf(details, ERROR_INFO).some((info) => info.reason === 'QUOTA_EXHAUSTED')) {
    return Math.ceil((nextPacificMidnight(now) - now) / 1000);
  }
  for (const info of detailsOf(details, RETRY_INFO)) {
    const match = typeof info.retryDelay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(info.retryDelay) : null;
    if (match) return Math.max(1, Math.ceil(Number(match[1])));
  }
  return undefined;
}

/** The next midnight in America/Los_Angeles, in ms since the epoch. */
export function nextPacificMidnight(now: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/Los_Angeles',
    hourCycle: 'h23',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(now));
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const sinceMidnight = ((value('hour') * 60 + value('minute')) * 60 + value('second')) * 1000;
  return now - sinceMidnight - (now % 1000) + 86_400_000;
}
