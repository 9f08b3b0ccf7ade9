// Renders an AppError as an HTTP answer in a client's error shape (src/errors/shapes.ts).
import type { AppError } from './app-error.js';
import type { ErrorShape } from './error-shape.js';

export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function renderError(error: AppError, shape: ErrorShape, requestId: string): RenderedError {
  const headers: Record<string, string> = {
    ...error.headers,
    'content-type': 'application/json',
    // The Anthropic and OpenAI SDKs obey this header over their own status-based retry rules.
    'x-should-retry': error.retryable ? 'true' : 'false',
  };
  if (error.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(Math.max(0, Math.ceil(error.retryAfterSeconds)));
  }
  return { status: error.httpStatus, headers, body: JSON.stringify(shape.body(error, requestId)) };
}

/** The frame that ends a stream whose status and first bytes already went out, in the client's shape. */
export function renderStreamError(error: AppError, shape: ErrorShape, requestId: string): string {
  return shape.streamFrame(error, requestId);
}
