// Copies what a response sends the client, up to a size, for the request log's body capture: only requests
// whose bodies are captured pay for it, and the copy stops growing at the limit.
import type { ServerResponse } from 'node:http';

export interface ResponseCapture {
  /** What was sent, as text (or a note when the bytes were compressed). */
  text(): string;
  /** Whether more was sent than was kept. */
  readonly truncated: boolean;
}

export function captureResponse(res: ServerResponse, maxBytes: number): ResponseCapture {
  const chunks: Buffer[] = [];
  let kept = 0;
  let truncated = false;
  const keep = (chunk: unknown, encoding: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const bytes =
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : Buffer.isBuffer(chunk)
          ? chunk
          : chunk instanceof Uint8Array
            ? Buffer.from(chunk)
            : undefined;
    if (!bytes) return;
    if (kept >= maxBytes) {
      truncated ||= bytes.length > 0;
      return;
    }
    const room = maxBytes - kept;
    if (bytes.length > room) truncated = true;
    const part = bytes.length > room ? bytes.subarray(0, room) : bytes;
    chunks.push(Buffer.from(part));
    kept += part.length;
  };
  const write = res.write;
  const end = res.end;
  // Only this response's own methods are wrapped; the arguments go through untouched.
  res.write = function (this: ServerResponse, ...args: Parameters<ServerResponse['write']>) {
    keep(args[0], args[1]);
    return write.apply(this, args);
  } as ServerResponse['write'];
  res.end = function (this: ServerResponse, ...args: Parameters<ServerResponse['end']>) {
    keep(args[0], args[1]);
    return end.apply(this, args);
  } as ServerResponse['end'];
  return {
    text: () => {
      const encoding = res.getHeader('content-encoding');
      if (encoding !== undefined && encoding !== 'identity') return `[${String(encoding)}-encoded response]`;
      return Buffer.concat(chunks, kept).toString('utf8');
    },
    get truncated() {
      return truncated;
    },
  };
}
