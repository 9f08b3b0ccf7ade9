// Gemini clients (the genai SDK, Gemini CLI) read google.rpc.Status: `{error:{code,message,status,details}}`.
// In a stream the same object is a chunk of its own, which the genai SDK raises as an error: an SSE `data:`
// frame, or the array's next element for a stream sent as one JSON array.
import type { AppError } from '../../../errors/app-error.js';
import type { ErrorShape } from '../../../errors/error-shape.js';
import { geminiErrorShape } from '../../../errors/shapes.js';

/** The error chunk that ends a stream: framed as the stream's other chunks are. */
export function geminiErrorChunk(
  error: AppError,
  requestId: string,
  framing: 'sse' | 'array-next' | 'array-first',
): string {
  const json = JSON.stringify(geminiErrorShape.body(error, requestId));
  if (framing === 'sse') return `data: ${json}\r\n\r\n`;
  return framing === 'array-first' ? `${json}]` : `,\r\n${json}]`;
}

export const geminiErrors: ErrorShape = {
  name: 'gemini',
  body: geminiErrorShape.body,
  streamFrame: (error, requestId) => geminiErrorChunk(error, requestId, 'sse'),
};
