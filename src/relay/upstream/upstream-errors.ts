// Maps transport failures of an upstream call (connect, timeouts, resets) to AppErrors clients understand.
import { AppError } from '../../errors/app-error.js';

export function upstreamTransportError(error: unknown, phase: 'connect' | 'headers' | 'body'): AppError {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new AppError('upstream_timeout', 'Timed out connecting to the upstream', { cause: error });
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new AppError('upstream_timeout', 'The upstream did not start answering in time', {
        cause: error,
      });
    case 'UND_ERR_BODY_TIMEOUT':
      return new AppError('upstream_timeout', 'The upstream stopped sending data', { cause: error });
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
      return new AppError('upstream_error', `Could not reach the upstream (${code})`, { cause: error });
    default:
      return new AppError(
        'upstream_error',
        phase === 'body' ? 'The upstream connection closed mid-response' : 'The upstream request failed',
        { cause: error },
      );
  }
}

export function isAbortError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'AbortError' || code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR';
}
