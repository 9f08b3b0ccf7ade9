// One upstream exchange in pass-through mode: forward the body, stream or copy the answer back unchanged while
// a tap reads usage, and report how it ended. Never throws: every failure is answered to the client here.
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Transform } from 'node:stream';
import { AppError } from '../../errors/app-error.js';
import { type ErrorFormat, renderStreamError } from '../../errors/render.js';
import { sendError } from '../../http/send.js';
import type { Outcome, TokenUsage } from '../../services/usage/usage-types.js';
import { ZERO_USAGE } from '../../services/usage/usage-types.js';
import { acceptedEncodings, createDecoder, decodeSync, responseEncoding } from '../upstream/encoding.js';
import type {
  UpstreamCall,
  UpstreamControl,
  UpstreamReceiver,
  UpstreamTransport,
} from '../upstream/transport.js';
import { upstreamTransportError } from '../upstream/upstream-errors.js';
import type { PassThroughFormat, StreamTap } from './stream-tap.js';
import { upstreamHttpError } from './upstream-error-body.js';

export interface ExchangeRequest {
  res: ServerResponse;
  requestId: string;
  startedAt: number;
  errorFormat: ErrorFormat;
  format: PassThroughFormat;
  transport: UpstreamTransport;
  call: UpstreamCall;
  /** Whether the client asked for a stream (from the body or path, never from Accept). */
  stream: boolean;
  clientAcceptEncoding: string | undefined;
  maxResponseBytes: number;
}

export interface ExchangeResult {
  status: number;
  outcome: Outcome;
  usage: TokenUsage;
  estimated: boolean;
  ttftMs: number | undefined;
  errorCode: string | undefined;
}

/** Upstream response headers a client may see; cookies, the pooled account's rate limits and hop-by-hop stay. */
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'request-id', 'x-request-id', 'openai-processing-ms'];
/** Enough of an upstream error body to read its message; the rest is dropped. */
const ERROR_BODY_LIMIT = 1024 * 1024;

export function runExchange(request: ExchangeRequest): Promise<ExchangeResult> {
  return new Promise((resolve) => new Exchange(request, resolve).start());
}

type Phase = 'waiting' | 'error-body' | 'json' | 'stream' | 'done';

class ClientGoneError extends Error {
  constructor() {
    super('the client closed the connection');
  }
}

/**
 * Receives the upstream response as callbacks rather than a stream, so a relayed request costs no Readable,
 * async iterator or AbortSignal. Each phase decides what an arriving chunk, end or error means.
 */
class Exchange implements UpstreamReceiver {
  private controller: UpstreamControl | undefined;
  private phase: Phase = 'waiting';
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  private chunks: Buffer[] = [];
  private size = 0;
  private tap: StreamTap | undefined;
  private decoder: Transform | undefined;
  private ttftMs: number | undefined;
  private clientGone = false;

  constructor(
    private readonly request: ExchangeRequest,
    private readonly resolve: (result: ExchangeResult) => void,
  ) {}

  start(): void {
    const { request } = this;
    request.res.on('close', this.onClientClose);
    request.res.on('drain', this.onClientDrain);
    request.transport.send(request.call, this);
  }

  onStart(controller: UpstreamControl): void {
    this.controller = controller;
    if (this.clientGone) controller.abort(new ClientGoneError());
  }

  onResponseStart(statusCode: number, headers: IncomingHttpHeaders): void {
    this.status = statusCode;
    this.headers = headers;
    if (statusCode >= 400) {
      this.phase = 'error-body';
    } else if (this.request.stream && String(headers['content-type'] ?? '').includes('text/event-stream')) {
      this.startStream();
    } else {
      this.phase = 'json';
    }
  }

  onData(chunk: Buffer): void {
    switch (this.phase) {
      case 'stream':
        if (this.decoder) this.decoder.write(chunk);
        else this.forward(chunk);
        return;
      case 'json':
        this.size += chunk.length;
        if (this.size > this.request.maxResponseBytes) {
          this.controller?.abort(
            new AppError(
              'upstream_error',
              `The upstream response exceeded ${this.request.maxResponseBytes} bytes`,
            ),
          );
          return;
        }
        this.chunks.push(chunk);
        return;
      case 'error-body':
        if (this.size < ERROR_BODY_LIMIT) {
          this.size += chunk.length;
          this.chunks.push(chunk);
        }
        return;
      default:
        return;
    }
  }

  onEnd(): void {
    switch (this.phase) {
      case 'stream':
        if (this.decoder) this.decoder.end();
        else this.endStream();
        return;
      case 'json':
        this.endJson();
        return;
      case 'error-body':
        this.fail(upstreamHttpError(this.status, this.decodedErrorBody(), this.headers));
        return;
      default:
        return;
    }
  }

  onError(error: Error): void {
    if (this.phase === 'done') return;
    if (this.clientGone) {
      this.finishAborted();
      return;
    }
    if (this.phase === 'stream') {
      this.failStream(upstreamTransportError(error, 'body'));
      return;
    }
    const phase = this.phase === 'waiting' ? 'headers' : 'body';
    this.fail(error instanceof AppError ? error : upstreamTransportError(error, phase));
  }

  private readonly onClientClose = (): void => {
    if (this.phase === 'done' || this.request.res.writableFinished) return;
    this.clientGone = true;
    // Aborting makes the transport call onError, which records the abort; before the call starts there is
    // no controller yet, and onStart aborts instead.
    if (this.controller) this.controller.abort(new ClientGoneError());
    else if (this.phase === 'waiting') this.finishAborted();
  };

  private readonly onClientDrain = (): void => {
    this.controller?.resume();
  };

  private startStream(): void {
    const { res } = this.request;
    this.phase = 'stream';
    this.tap = this.request.format.createTap();
    const encoding = responseEncoding(this.headers['content-encoding']);
    if (encoding === null) {
      this.controller?.abort(new AppError('upstream_error', 'The upstream used an unknown encoding'));
      return;
    }
    if (encoding) {
      // Streams are asked for uncompressed; one that comes compressed anyway is decoded, so the tap can read it
      // and the client gets what it can certainly read.
      const decoder = createDecoder(encoding);
      decoder.on('data', (chunk: Buffer) => this.forward(chunk));
      decoder.on('end', () => this.endStream());
      decoder.on('error', (error) => this.failStream(upstreamTransportError(error, 'body')));
      this.decoder = decoder;
    }
    const headers = this.forwardedHeaders();
    headers['cache-control'] = 'no-cache';
    // Proxies such as nginx would otherwise buffer the stream and break incremental delivery.
    headers['x-accel-buffering'] = 'no';
    res.writeHead(this.status, headers);
    res.flushHeaders();
  }

  private forward(chunk: Buffer): void {
    if (this.ttftMs === undefined) this.ttftMs = performance.now() - this.request.startedAt;
    this.tap?.push(chunk);
    // Backpressure: stop reading upstream while the client's socket buffer is full; 'drain' resumes.
    if (!this.request.res.write(chunk)) this.controller?.pause();
  }

  private endStream(): void {
    if (this.phase === 'done') return;
    const tap = this.tap;
    tap?.end();
    this.request.res.end();
    const final = tap?.finalUsage() ?? { usage: { ...ZERO_USAGE }, estimated: true };
    this.finish({
      status: this.status,
      outcome: tap?.error ? 'upstream_error' : 'ok',
      usage: final.usage,
      estimated: final.estimated,
      ttftMs: this.ttftMs,
      errorCode: tap?.error?.type,
    });
  }

  /** Status and bytes are out; all that is left to tell the client is the format's in-stream error event. */
  private failStream(error: AppError): void {
    if (this.phase === 'done') return;
    const tap = this.tap;
    tap?.end();
    const final = tap?.finalUsage() ?? { usage: { ...ZERO_USAGE }, estimated: true };
    this.request.res.end(renderStreamError(error, this.request.errorFormat, this.request.requestId));
    this.finish({
      status: this.status,
      outcome: 'upstream_error',
      usage: final.usage,
      estimated: final.estimated,
      ttftMs: this.ttftMs,
      errorCode: error.code,
    });
  }

  private endJson(): void {
    const raw =
      this.chunks.length === 1 && this.chunks[0] ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    const encoding = responseEncoding(this.headers['content-encoding']);
    if (encoding === null) {
      this.fail(new AppError('upstream_error', 'The upstream used an unknown encoding'));
      return;
    }
    let plain = raw;
    if (encoding) {
      try {
        plain = decodeSync(raw, encoding);
      } catch (error) {
        this.fail(
          new AppError('upstream_error', 'The upstream sent a corrupt compressed body', { cause: error }),
        );
        return;
      }
    }
    const usage = this.request.format.usageFromBody(plain.toString('utf8'));
    // Compressed bytes go to the client untouched only if it said it accepts that encoding.
    const passCompressed =
      encoding !== undefined && acceptedEncodings(this.request.clientAcceptEncoding).has(encoding);
    const payload = passCompressed ? raw : plain;
    const headers = this.forwardedHeaders();
    headers['content-length'] = payload.length;
    if (passCompressed && encoding) headers['content-encoding'] = encoding;
    this.request.res.writeHead(this.status, headers);
    this.request.res.end(payload);
    this.finish({
      status: this.status,
      outcome: 'ok',
      usage: usage ?? { ...ZERO_USAGE },
      estimated: usage === undefined,
      ttftMs: performance.now() - this.request.startedAt,
      errorCode: undefined,
    });
  }

  private decodedErrorBody(): Buffer {
    const raw = Buffer.concat(this.chunks);
    const encoding = responseEncoding(this.headers['content-encoding']);
    if (!encoding) return raw;
    try {
      return decodeSync(raw, encoding);
    } catch {
      return Buffer.alloc(0);
    }
  }

  private fail(error: AppError): void {
    if (this.phase === 'done') return;
    sendError(this.request.res, error, this.request.errorFormat, this.request.requestId);
    this.finish({
      status: error.httpStatus,
      outcome: 'upstream_error',
      usage: { ...ZERO_USAGE },
      estimated: false,
      ttftMs: undefined,
      errorCode: error.code,
    });
  }

  private finishAborted(): void {
    const tap = this.tap;
    tap?.end();
    const final = tap?.finalUsage() ?? { usage: { ...ZERO_USAGE }, estimated: false };
    this.finish({
      status: 499,
      outcome: 'client_aborted',
      usage: final.usage,
      estimated: final.estimated,
      ttftMs: this.ttftMs,
      errorCode: undefined,
    });
  }

  private finish(result: ExchangeResult): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    this.chunks = [];
    this.request.res.off('close', this.onClientClose);
    this.request.res.off('drain', this.onClientDrain);
    this.resolve(result);
  }

  private forwardedHeaders(): OutgoingHttpHeaders {
    const headers: OutgoingHttpHeaders = {};
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = this.headers[name];
      if (value !== undefined) headers[name] = value;
    }
    return headers;
  }
}
