// Writes JSON and rendered errors on a raw ServerResponse; shared by express routes and the relay route table.
import type { ServerResponse } from 'node:http';
import { type AppError, toAppError } from '../errors/app-error.js';
import type { ErrorShape } from '../errors/error-shape.js';
import { renderError } from '../errors/render.js';
import { bodyUnread } from './read-body.js';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

export function sendError(
  res: ServerResponse,
  error: unknown,
  shape: ErrorShape,
  requestId: string,
): AppError {
  const appError = toAppError(error);
  if (res.headersSent) {
    // Nothing renderable can follow a status line that already went out; end the response.
    res.end();
    return appError;
  }
  const rendered = renderError(appError, shape, requestId);
  // Refused before its body was read: say so, and Node closes the socket once the answer is flushed.
  const closing = bodyUnread(res.req) ? { connection: 'close' } : undefined;
  res.writeHead(rendered.status, {
    ...rendered.headers,
    ...closing,
    'content-length': Buffer.byteLength(rendered.body),
  });
  res.end(rendered.body);
  return appError;
}
