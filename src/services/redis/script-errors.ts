// Maps the typed error replies of our Lua scripts (`RELAY_<CODE> <json detail>`) to AppErrors, in one place.
import { AppError } from '../../errors/app-error.js';
import { isUserSpendCap, userSpendCapError } from '../spend-limits/spend-cap-error.js';

type ScriptErrorFactory = (detail: Record<string, unknown>) => AppError;

const seconds = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** Every code a script may raise. A script raising a code missing here is a bug and surfaces as internal. */
export const SCRIPT_ERRORS: Record<string, ScriptErrorFactory> = {
  LOCK_NOT_OWNED: (detail) =>
    new AppError('conflict', 'The lock is held by another owner', { details: detail, retryable: true }),
  CONCURRENCY_LIMIT: (detail) =>
    new AppError(
      'concurrency_limited',
      `Too many concurrent requests for this API key (limit ${String(detail.max)})`,
      {
        details: detail,
        retryAfterSeconds: seconds(detail.retryAfterSeconds) ?? 1,
      },
    ),
  RATE_LIMIT: (detail) =>
    new AppError(
      'rate_limited',
      `Rate limit reached for this API key (${String(detail.limit ?? 'window')})`,
      {
        details: detail,
        retryAfterSeconds: seconds(detail.retryAfterSeconds),
      },
    ),
  COST_LIMIT: costLimitError,
  KEY_EXPIRED: (detail) =>
    new AppError('unauthenticated', 'This API key has expired', {
      details: { reason: 'key_expired', ...detail },
    }),
  NO_ACCOUNT: (detail) =>
    new AppError('no_account_available', 'No upstream account is available to serve this request', {
      details: detail,
      retryAfterSeconds: seconds(detail.retryAfterSeconds),
    }),
};

/**
 * Why a cost limit refused: nothing left ("exhausted", 402); what is left is reserved by requests still running
 * ("in_flight", 429: it frees up as they finish); or this request needs more than is left even with its output
 * capped ("does_not_fit", 402, saying so).
 */
function costLimitError(detail: Record<string, unknown>): AppError {
  const limit = String(detail.limit ?? 'cost');
  // A person's own cap across all their keys speaks to them, in the shape Claude Code reads.
  if (isUserSpendCap(limit)) return userSpendCapError(detail);
  const left = Math.max(
    0,
    Number(detail.maxMicros) - Number(detail.spentMicros) - Number(detail.reservedMicros),
  );
  switch (detail.reason) {
    case 'in_flight':
      return new AppError(
        'rate_limited',
        `The rest of this API key's ${limit} spending limit is reserved by requests in flight; retry when they finish`,
        { details: detail, retryAfterSeconds: 1 },
      );
    case 'does_not_fit':
      return new AppError(
        'quota_exceeded',
        `This request's worst case does not fit in what is left of this API key's ${limit} spending limit: ` +
          `its input alone may cost up to ${usd(Number(detail.floorMicros))}, and ${usd(left)} is left`,
        { details: detail },
      );
    default:
      return new AppError('quota_exceeded', `Spending limit reached for this API key (${limit})`, {
        details: detail,
      });
  }
}

function usd(micros: number): string {
  return Number.isFinite(micros) ? `$${(micros / 1_000_000).toFixed(4)}` : 'an unknown amount';
}

const PREFIX = 'RELAY_';

/** The AppError for a code a script returned as data (batch scripts report each item's failure that way). */
export function scriptErrorFromCode(code: string, detailJson: string): AppError {
  const factory = SCRIPT_ERRORS[code];
  if (!factory) return new AppError('internal', `Unknown script error ${code}`);
  return factory(parseDetail(detailJson));
}

/** Returns the typed AppError for a script's error reply, or the original value when it is not one of ours. */
export function mapScriptError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const message = error.message;
  const start = message.indexOf(PREFIX);
  if (start === -1) return error;
  const rest = message.slice(start + PREFIX.length);
  const space = rest.indexOf(' ');
  const code = space === -1 ? rest : rest.slice(0, space);
  const detail = space === -1 ? {} : parseDetail(rest.slice(space + 1));
  const factory = SCRIPT_ERRORS[code];
  if (!factory) return new AppError('internal', `Unknown script error ${code}`, { cause: error });
  const mapped = factory(detail);
  return mapped;
}

function parseDetail(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  } catch {
    return { message: text };
  }
}
