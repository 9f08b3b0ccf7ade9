// Turns an upstream's error answer (status + body) into an AppError that keeps the upstream's own message.
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../../errors/app-error.js';

export function upstreamHttpError(status: number, body: Buffer, headers: IncomingHttpHeaders): AppError {
  const { type, message } = readErrorBody(body);
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
    ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterSeconds: retryAfter } : {}),
  });
}

/** Reads `error.type`/`error.message` (Anthropic, OpenAI) or `error.status`/`error.message` (Gemini). */
function readErrorBody(body: Buffer): { type: string | undefined; message: string | undefined } {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const error =
      typeof parsed === 'object' && parsed !== null ? (parsed as { error?: unknown }).error : undefined;
    if (typeof error === 'object' && error !== null) {
      const { type, message } = error as { type?: unknown; message?: unknown };
      return {
        type: typeof type === 'string' ? type : undefined,
        message: typeof message === 'string' ? message : undefined,
      };
    }
    if (typeof error === 'string') return { type: undefined, message: error };
  } catch {
    // Not JSON: fall through to the text.
  }
  const text = body.toString('utf8').trim().slice(0, 500);
  return { type: undefined, message: text === '' ? undefined : text };
}
