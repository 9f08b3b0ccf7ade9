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
      if (error instanceof Error && error.message.startsWith('Proxy response')) {
        return new AppError(
          'upstream_error',
          `The account's proxy refused the connection: ${error.message}`,
          {
            cause: error,
          },
        );
      }
      return new AppError(
        'upstream_error',
        phase === 'body' ? 'The upstream connection closed mid-response' : 'The upstream request failed',
        { cause: error },
      );
  }
}
