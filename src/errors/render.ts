// Renders an AppError in the shape each client expects: Anthropic, OpenAI, Gemini or plain JSON.
import { assertNever } from '../lib/assert-never.js';
import type { AppError } from './app-error.js';
import { ERROR_CODES } from './codes.js';

export type ErrorFormat = 'anthropic' | 'openai' | 'gemini' | 'json';

export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function errorBody(error: AppError, format: ErrorFormat, requestId: string): unknown {
  const spec = ERROR_CODES[error.code];
  switch (format) {
    // Details (which limit was hit, its reset time) ride along as an extra field the SDKs leave alone.
    case 'anthropic':
      return {
        type: 'error',
        error: {
          type: error.clientType ?? spec.anthropic,
          message: error.message,
          code: error.code,
          ...(error.details === undefined ? {} : { details: error.details }),
        },
        request_id: requestId,
      };
    case 'openai':
      return {
        error: {
          message: error.message,
          type: error.clientType ?? spec.openai,
          param: typeof error.details?.field === 'string' ? error.details.field : null,
          code: error.code,
          ...(error.details === undefined ? {} : { details: error.details }),
        },
      };
    case 'gemini':
      return {
        error: {
          code: error.httpStatus,
          message: error.message,
          status: spec.gemini,
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: error.code,
              ...(error.details === undefined ? {} : { metadata: stringValues(error.details) }),
            },
          ],
        },
      };
    case 'json':
      return {
        error: {
          code: error.code,
          message: error.message,
          requestId,
          ...(error.details === undefined ? {} : { details: error.details }),
        },
      };
    default:
      return assertNever(format);
  }
}

export function renderError(error: AppError, format: ErrorFormat, requestId: string): RenderedError {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    // The Anthropic and OpenAI SDKs obey this header over their own status-based retry rules.
    'x-should-retry': error.retryable ? 'true' : 'false',
  };
  if (error.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(Math.max(0, Math.ceil(error.retryAfterSeconds)));
  }
  return { status: error.httpStatus, headers, body: JSON.stringify(errorBody(error, format, requestId)) };
}

/**
 * The frame that ends a stream whose 200 and first bytes already went out: clients can no longer see a status,
 * so the error travels as the format's own in-stream error event.
 */
export function renderStreamError(error: AppError, format: ErrorFormat, requestId: string): string {
  const body = JSON.stringify(errorBody(error, format, requestId));
  return format === 'anthropic' ? `event: error\ndata: ${body}\n\n` : `data: ${body}\n\n`;
}

/** google.rpc.ErrorInfo metadata is a map of strings. */
function stringValues(details: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(details)) {
    values[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return values;
}
