// A complete (non-stream) upstream answer: decoding its body, which of its headers the client sees, and
// writing it to the client, compressed bytes untouched when the client accepts their encoding.
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { AppError } from '../../errors/app-error.js';
import { acceptedEncodings, decodeSync, responseEncoding } from '../upstream/encoding.js';

/**
 * Upstream response headers a client may see; cookies, the pooled account's rate limits and hop-by-hop stay.
 * An upstream `x-request-id` is not among them: that header carries the relay's own request id.
 */
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'request-id', 'openai-processing-ms'];

export function forwardedResponseHeaders(upstream: IncomingHttpHeaders): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = upstream[name];
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}

export interface DecodedBody {
  /** The bytes as they came. */
  raw: Buffer;
  /** The same, decoded (the raw bytes when they were not encoded). */
  plain: Buffer;
  encoding: string | undefined;
}

/** The body of a complete answer decoded, or the failure to answer with when it cannot be. */
export function decodeCompleteBody(
  raw: Buffer,
  contentEncoding: IncomingHttpHeaders[string],
): DecodedBody | AppError {
  const encoding = responseEncoding(contentEncoding);
  if (encoding === null) return new AppError('upstream_error', 'The upstream used an unknown encoding');
  if (!encoding) return { raw, plain: raw, encoding: undefined };
  try {
    return { raw, plain: decodeSync(raw, encoding), encoding };
  } catch (error) {
    return new AppError('upstream_error', 'The upstream sent a corrupt compressed body', { cause: error });
  }
}

/** An error answer's body, decoded if it can be: only its message is read, so undecodable bytes read as none. */
export function decodeErrorBody(raw: Buffer, contentEncoding: IncomingHttpHeaders[string]): Buffer {
  const decoded = decodeCompleteBody(raw, contentEncoding);
  return decoded instanceof AppError ? Buffer.alloc(0) : decoded.plain;
}

/** Writes the answer; compressed bytes go to the client untouched only if it said it accepts that encoding. */
export function writeCompleteAnswer(
  res: ServerResponse,
  status: number,
  upstreamHeaders: IncomingHttpHeaders,
  body: DecodedBody,
  clientAcceptEncoding: string | undefined,
): void {
  const passCompressed =
    body.encoding !== undefined && acceptedEncodings(clientAcceptEncoding).has(body.encoding);
  const payload = passCompressed ? body.raw : body.plain;
  const headers = forwardedResponseHeaders(upstreamHeaders);
  headers['content-length'] = payload.length;
  if (passCompressed && body.encoding) headers['content-encoding'] = body.encoding;
  res.writeHead(status, headers);
  res.end(payload);
}
