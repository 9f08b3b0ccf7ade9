// One upstream exchange in pass-through mode: forward the body, stream or copy the answer back unchanged while
// a tap reads usage, and report how it ended. Never throws: every failure is answered to the client here.
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { AppError, toAppError } from '../../errors/app-error.js';
import { type ErrorFormat, renderStreamError } from '../../errors/render.js';
import { sendError } from '../../http/send.js';
import type { Outcome, TokenUsage } from '../../services/usage/usage-types.js';
import { ZERO_USAGE } from '../../services/usage/usage-types.js';
import { acceptedEncodings, createDecoder, decodeSync, responseEncoding } from '../upstream/encoding.js';
import { upstreamTransportError } from '../upstream/upstream-errors.js';
import { readUpstreamBody } from './read-upstream-body.js';
import type { PassThroughFormat } from './stream-tap.js';
import { upstreamHttpError } from './upstream-error-body.js';

export interface ExchangeRequest {
  res: ServerResponse;
  requestId: string;
  startedAt: number;
  errorFormat: ErrorFormat;
  format: PassThroughFormat;
  dispatcher: Dispatcher;
  origin: string;
  path: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body: Buffer | undefined;
  /** Whether the client asked for a stream (from the body or path, never from Accept). */
  stream: boolean;
  clientAcceptEncoding: string | undefined;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
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

/** Upstream response headers a client may see; everything else (cookies, rate limits of the pooled account, hop-by-hop) stays. */
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'request-id', 'x-request-id', 'openai-processing-ms'];

export async function runExchange(request: ExchangeRequest): Promise<ExchangeResult> {
  const { res } = request;
  const controller = new AbortController();
  const onClientGone = () => {
    if (!res.writableFinished) controller.abort();
  };
  res.once('close', onClientGone);
  try {
    let upstream: Dispatcher.ResponseData;
    try {
      upstream = await request.dispatcher.request({
        origin: request.origin,
        path: request.path,
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: controller.signal,
        headersTimeout: request.firstByteTimeoutMs,
        bodyTimeout: request.idleTimeoutMs,
      });
    } catch (error) {
      // Only our own signal means the client left: undici also reports proxy refusals as AbortError.
      if (controller.signal.aborted) return aborted(undefined, false);
      return fail(request, upstreamTransportError(error, 'headers'));
    }

    if (upstream.statusCode >= 400) return await relayUpstreamError(request, upstream);
    const contentType = String(upstream.headers['content-type'] ?? '');
    if (request.stream && contentType.includes('text/event-stream')) {
      return await relayStream(request, upstream, controller);
    }
    return await relayJson(request, upstream, controller);
  } finally {
    res.off('close', onClientGone);
  }
}

function aborted(usage: TokenUsage | undefined, estimated: boolean, ttftMs?: number): ExchangeResult {
  return {
    status: 499,
    outcome: 'client_aborted',
    usage: usage ?? { ...ZERO_USAGE },
    estimated,
    ttftMs,
    errorCode: undefined,
  };
}

function fail(request: ExchangeRequest, error: AppError): ExchangeResult {
  sendError(request.res, error, request.errorFormat, request.requestId);
  return {
    status: error.httpStatus,
    outcome: 'upstream_error',
    usage: { ...ZERO_USAGE },
    estimated: false,
    ttftMs: undefined,
    errorCode: error.code,
  };
}

function forwardedHeaders(upstream: Dispatcher.ResponseData): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = upstream.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}

async function relayUpstreamError(
  request: ExchangeRequest,
  upstream: Dispatcher.ResponseData,
): Promise<ExchangeResult> {
  let body: Buffer;
  try {
    body = await readUpstreamBody(upstream.body, 1024 * 1024);
    const encoding = responseEncoding(upstream.headers['content-encoding']);
    if (encoding) body = decodeSync(body, encoding);
  } catch {
    body = Buffer.alloc(0);
  }
  return fail(request, upstreamHttpError(upstream.statusCode, body, upstream.headers as IncomingHttpHeaders));
}

async function relayJson(
  request: ExchangeRequest,
  upstream: Dispatcher.ResponseData,
  controller: AbortController,
): Promise<ExchangeResult> {
  let raw: Buffer;
  try {
    raw = await readUpstreamBody(upstream.body, request.maxResponseBytes);
  } catch (error) {
    if (controller.signal.aborted) return aborted(undefined, false);
    return fail(request, error instanceof AppError ? error : upstreamTransportError(error, 'body'));
  }
  const encoding = responseEncoding(upstream.headers['content-encoding']);
  let plain = raw;
  if (encoding === null)
    return fail(request, new AppError('upstream_error', 'The upstream used an unknown encoding'));
  if (encoding) {
    try {
      plain = decodeSync(raw, encoding);
    } catch (error) {
      return fail(
        request,
        new AppError('upstream_error', 'The upstream sent a corrupt compressed body', { cause: error }),
      );
    }
  }
  let usage: TokenUsage | undefined;
  try {
    usage = request.format.usageFromJson(JSON.parse(plain.toString('utf8')));
  } catch {
    usage = undefined;
  }
  // Compressed bytes go to the client untouched only if it said it accepts that encoding.
  const passCompressed =
    encoding !== undefined && acceptedEncodings(request.clientAcceptEncoding).has(encoding);
  const payload = passCompressed ? raw : plain;
  const headers = forwardedHeaders(upstream);
  headers['content-length'] = payload.length;
  if (passCompressed && encoding) headers['content-encoding'] = encoding;
  const { res } = request;
  if (res.destroyed) return aborted(usage, usage === undefined);
  res.writeHead(upstream.statusCode, headers);
  res.end(payload);
  return {
    status: upstream.statusCode,
    outcome: 'ok',
    usage: usage ?? { ...ZERO_USAGE },
    estimated: usage === undefined,
    ttftMs: performance.now() - request.startedAt,
    errorCode: undefined,
  };
}

function relayStream(
  request: ExchangeRequest,
  upstream: Dispatcher.ResponseData,
  controller: AbortController,
): Promise<ExchangeResult> {
  const { res } = request;
  const tap = request.format.createTap();
  const encoding = responseEncoding(upstream.headers['content-encoding']);
  if (encoding === null) {
    upstream.body.destroy();
    return Promise.resolve(
      fail(request, new AppError('upstream_error', 'The upstream used an unknown encoding')),
    );
  }
  // We asked for an uncompressed stream; if it comes compressed anyway, decode it so the tap can read it and
  // the client gets what it can certainly read.
  const source: Readable = encoding ? upstream.body.pipe(createDecoder(encoding)) : upstream.body;
  const headers = forwardedHeaders(upstream);
  headers['cache-control'] = 'no-cache';
  // Proxies such as nginx would otherwise buffer the stream and break incremental delivery.
  headers['x-accel-buffering'] = 'no';
  res.writeHead(upstream.statusCode, headers);
  res.flushHeaders();

  return new Promise((resolve) => {
    let ttftMs: number | undefined;
    let settled = false;
    const finish = (result: ExchangeResult) => {
      if (settled) return;
      settled = true;
      source.off('data', onData);
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      if (ttftMs === undefined) ttftMs = performance.now() - request.startedAt;
      tap.push(chunk);
      // Backpressure: stop reading upstream while the client's socket buffer is full.
      if (!res.write(chunk)) source.pause();
    };
    const onDrain = () => source.resume();
    const onClose = () => {
      if (res.writableFinished) return;
      controller.abort();
      source.destroy();
      tap.end();
      const { usage, estimated } = tap.finalUsage();
      finish(aborted(usage, estimated, ttftMs));
    };
    source.on('data', onData);
    res.on('drain', onDrain);
    res.on('close', onClose);
    source.once('end', () => {
      tap.end();
      res.end();
      const { usage, estimated } = tap.finalUsage();
      const streamError = tap.error;
      finish({
        status: upstream.statusCode,
        outcome: streamError ? 'upstream_error' : 'ok',
        usage,
        estimated,
        ttftMs,
        errorCode: streamError?.type,
      });
    });
    source.once('error', (error: Error) => {
      tap.end();
      const { usage, estimated } = tap.finalUsage();
      if (controller.signal.aborted || res.destroyed) {
        finish(aborted(usage, estimated, ttftMs));
        return;
      }
      // Status and bytes are out; the only thing left to tell the client is a protocol-correct error event.
      const appError = toAppError(upstreamTransportError(error, 'body'));
      res.end(renderStreamError(appError, request.errorFormat, request.requestId));
      finish({
        status: upstream.statusCode,
        outcome: 'upstream_error',
        usage,
        estimated,
        ttftMs,
        errorCode: appError.code,
      });
    });
  });
}
