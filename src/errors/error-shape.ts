// How one kind of client reads an error: the body of an error answer and the frame that ends a stream with
// one. Each relay format owns its shape; the control plane and unrouted paths use the plain JSON one.
import type { AppError } from './app-error.js';

export interface ErrorShape {
  /** For logs and tests: `anthropic`, `openai`, `gemini`, `json`. */
  readonly name: string;
  body(error: AppError, requestId: string): unknown;
  /**
   * The frame that ends a stream whose status and first bytes already went out: the client can no longer see
   * a status, so the error travels as the format's own in-stream error event.
   */
  streamFrame(error: AppError, requestId: string): string;
}
