// Turns an upstream's error answer (status + body) into an AppError that keeps the upstream's own message.
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../../errors/app-error.js';

export function upstreamHttpError(status: number, body: Buffer, headers: IncomingHttpHeaders): AppError {
  const { type, message, code, param } = readErrorBody(body);
  const retryAfter = Number(headers['retry-after']);
  const shown = message ?? `The upstream answered ${status}`;
  if (status === 401) {
    // The upstream rejected the account's credential, not the client's relay key: not the client's 401.
    return new AppError('upstream_error', `The upstream account was rejected: ${shown}`, {
      httpStatus: 502,
      details: { upstreamStatus: status },
    });
  }
  return new AppError('upstream_error', shown, {
    httpStatus: status,
    retryable: status === 408 || status === 409 || status === 429 || status >= 500,
    details: { upstreamStatus: status },
    ...(type ? { clientType: type } : {}),
    ...(code ? { upstreamCode: code } : {}),
    ...(param ? { upstreamParam: param } : {}),
    ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterSeconds: retryAfter } : {}),
  });
}

interface ErrorBody {
  type: string | undefined;
  message: string | undefined;
  code: string | undefined;
  param: string | undefined;
}

const NOTHING: ErrorBody = { type: undefined, message: undefined, code: undefined, param: undefined };

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Reads `error.{type,message,code,param}` (Anthropic, OpenAI), `error.{status,message}` (Gemini), or a bare
 * `{detail}` (Codex's ChatGPT backend answers some refusals that way).
 */
function readErrorBody(body: Buffer): ErrorBody {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const fields = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    const error = fields.error;
    if (typeof error === 'object' && error !== null) {
      const { type, message, code, param } = error as Record<string, unknown>;
      return { type: text(type), message: text(message), code: text(code), param: text(param) };
    }
    if (typeof error === 'string') return { ...NOTHING, message: error };
    if (typeof fields.detail === 'string') return { ...NOTHING, message: fields.detail };
  } catch {
    // Not JSON: fall through to the text.
  }
  const shown = body.toString('utf8').trim().slice(0, 500);
  return { ...NOTHING, message: shown === '' ? undefined : shown };
}
