// Reads a request body into one Buffer with a hard size limit (refusing early when content-length says too
// much) and an idle timeout, and tells whether a request's body was left unread.
import type { IncomingMessage } from 'node:http';
import { AppError } from '../errors/app-error.js';
import { bodyIdleTimeoutOf } from './connection-limits.js';

export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    return Promise.reject(tooLarge(limitBytes));
  }
  // A body that has fully arrived needs no timer; one still arriving must not stall for longer than this.
  const idleMs = req.complete ? undefined : bodyIdleTimeoutOf(req.socket);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      if (idleMs !== undefined) {
        req.off('timeout', onIdle);
        // The socket timer is the connection's; what follows (the response) must never be cut by it.
        req.socket.setTimeout(0);
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        // The rest is not read (a stream without listeners would still flow): the answer closes the connection.
        req.pause();
        reject(tooLarge(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new AppError('invalid_request', 'The request body could not be read', { cause: error }));
    };
    const onAborted = () => {
      cleanup();
      reject(new AppError('invalid_request', 'The client closed the connection while sending the body'));
    };
    const onIdle = () => {
      cleanup();
      req.pause();
      reject(
        new AppError('request_timeout', `The request body stopped arriving for ${idleMs} ms`, {
          details: { idleTimeoutMs: idleMs },
        }),
      );
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
    // A socket-level timer, restarted by every chunk: no timer of our own per chunk.
    if (idleMs !== undefined) req.setTimeout(idleMs, onIdle);
  });
}

/**
 * True while the client may still be sending a body nobody read. An answer given then closes the connection:
 * reading the rest would let a client that declared a large body and stopped hold the socket.
 */
export function bodyUnread(req: IncomingMessage): boolean {
  if (req.complete) return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function tooLarge(limitBytes: number): AppError {
  return new AppError('payload_too_large', `Request body exceeds the limit of ${limitBytes} bytes`, {
    details: { limitBytes },
  });
}
