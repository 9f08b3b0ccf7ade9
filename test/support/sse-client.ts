// A raw streaming client for tests that need to see exact SSE bytes or abort mid-stream.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface StreamedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<StreamedResponse> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Starts a streaming request and destroys it once `abortAfter` appears in the received text. */
export function postAndAbort(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  abortAfter: string,
) {
  return new Promise<string>((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, agent: false },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
          if (text.includes(abortAfter)) {
            req.destroy();
            resolve(text);
          }
        });
        res.on('error', () => {});
      },
    );
    req.on('error', (error) => {
      if (!req.destroyed) reject(error);
    });
    req.end(JSON.stringify(body));
  });
}

export interface OpenStream {
  /** Resolves with the status once response headers arrive. */
  status: Promise<number>;
  /** Resolves with the response headers once they arrive. */
  headers: Promise<IncomingHttpHeaders>;
  /** Resolves with everything received when the response ends (or the stream is aborted). */
  done: Promise<string>;
  abort(): void;
}

/** Starts a request whose response the test reads and can abandon at a moment of its choosing. */
export function openStream(url: string, body: unknown, requestHeaders: Record<string, string>): OpenStream {
  let abort: () => void = () => {};
  let onStatus: (status: number) => void = () => {};
  let onHeaders: (headers: IncomingHttpHeaders) => void = () => {};
  const status = new Promise<number>((resolve) => {
    onStatus = resolve;
  });
  const headers = new Promise<IncomingHttpHeaders>((resolve) => {
    onHeaders = resolve;
  });
  const done = new Promise<string>((resolve) => {
    let text = '';
    const req = httpRequest(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', ...requestHeaders }, agent: false },
      (res) => {
        onHeaders(res.headers);
        onStatus(res.statusCode ?? 0);
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
        });
        res.on('end', () => resolve(text));
        res.on('error', () => resolve(text));
      },
    );
    req.on('error', () => resolve(text));
    req.on('close', () => resolve(text));
    abort = () => req.destroy();
    req.end(JSON.stringify(body));
  });
  return { status, headers, done, abort: () => abort() };
}

/**
 * Splits SSE text into its frames exactly as sent, each with the blank line that ends it (`\n\n` or
 * `\r\n\r\n`), so frames can be compared byte for byte and joined back into the text. A trailing piece with
 * no blank line after it (a cut stream) is the last element.
 */
export function rawSseFrames(text: string): string[] {
  const frames: string[] = [];
  let start = 0;
  while (start < text.length) {
    const lf = text.indexOf('\n\n', start);
    const crlf = text.indexOf('\r\n\r\n', start);
    let end: number;
    if (crlf !== -1 && (lf === -1 || crlf < lf)) end = crlf + 4;
    else if (lf !== -1) end = lf + 2;
    else end = text.length;
    frames.push(text.slice(start, end));
    start = end;
  }
  return frames;
}
