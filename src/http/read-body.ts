// Reads a request body into one Buffer with a hard size limit, refusing early when content-length says too much.
import type { IncomingMessage } from 'node:http';
import { AppError } from '../errors/app-error.js';

export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    return Promise.reject(tooLarge(limitBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        // Keep draining what is left so the 413 can still be written on this connection.
        req.resume();
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
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

function tooLarge(limitBytes: number): AppError {
  return new AppError('payload_too_large', `Request body exceeds the limit of ${limitBytes} bytes`, {
    details: { limitBytes },
  });
}
