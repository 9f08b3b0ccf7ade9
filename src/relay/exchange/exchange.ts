// One upstream exchange in pass-through mode: forward the body, stream or copy the answer back unchanged while
// a tap reads usage, and report how it ended. Never throws: every failure is answered to the client here.
import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { AppError } from '../../errors/app-error.js';
import type { UpstreamSignal } from '../../services/accounts/account-signals.js';
import { responseEncoding } from '../upstream/encoding.js';
import type { UpstreamControl, UpstreamReceiver } from '../upstream/transport.js';
import { upstreamTransportError } from '../upstream/upstream-errors.js';
import { decodeErrorBody } from './complete-answer.js';
import {
  answerError,
  type ExchangeRequest,
  type ExchangeResult,
  errorAnswerSignal,
  heldFailure,
} from './exchange-result.js';
import { answerComplete } from './read-complete-answer.js';
import { clientAborted, isStreamAnswer, streamEnded, streamFailed, streamHeaders } from './stream-answer.js';
import { StreamPipe } from './stream-pipe.js';

export type { ExchangeRequest, ExchangeResult } from './exchange-result.js';
export { failedBeforeCall } from './exchange-result.js';

/** Streams are held at most this much while waiting for their first content event. */
const HOLD_LIMIT_BYTES = 256 * 1024;

/** Enough of an upstream error body to read its message; the rest is dropped. */
const ERROR_BODY_LIMIT = 1024 * 1024;
/**
 * How long a stream whose client left is still read for the upstream's input usage (Anthropic reports it in
 * `message_start`, after reading the prompt). The upstream bills that input whether or not anyone reads it, so
 * the ledger should too; the first-byte and idle timeouts still apply, and this bounds an upstream that
 * trickles bytes without ever reporting. The request keeps its leases until then.
 */
const ABANDONED_STREAM_USAGE_WAIT_MS = 5_000;

export function runExchange(request: ExchangeRequest): Promise<ExchangeResult> {
  return new Promise((resolve) => new Exchange(request, resolve).start());
}

type Phase = 'waiting' | 'error-body' | 'json' | 'stream' | 'done';

class ClientGoneError extends Error {
  constructor() {
    super('the client closed the connection');
  }
}

class HeldForRetryError extends Error {
  constructor() {
    super('the failure was held back for a retry on another account');
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
  /** Set once a stream starts: the answer's bytes on their way from the upstream's form to the client's. */
  private pipe: StreamPipe | undefined;
  private ttftMs: number | undefined;
  private clientGone = false;
  /** Stream bytes kept back until the first content event (failover is possible until then). */
  private held: Buffer[] | undefined;
  private heldSize = 0;
  private signal: UpstreamSignal | undefined;
  /** Set while a stream whose client left is read for its input usage only. */
  private usageDeadline: NodeJS.Timeout | undefined;
  private upstreamReleased = false;

  constructor(
    private readonly request: ExchangeRequest,
    private readonly resolve: (result: ExchangeResult) => void,
  ) {}

  start(): void {
    const { request } = this;
    if (request.res.destroyed) {
      // The client left during an earlier attempt: nothing to send, nothing to ask upstream.
      this.clientGone = true;
      this.finishAborted();
      return;
    }
    request.res.on('close', this.onClientClose);
    request.res.on('drain', this.onClientDrain);
    request.transport.send(request.call, this);
  }

  onStart(controller: UpstreamControl): void {
    this.controller = controller;
    if (this.clientGone) this.releaseUpstream();
  }

  onResponseStart(statusCode: number, headers: IncomingHttpHeaders): void {
    this.status = statusCode;
    this.headers = headers;
    const limits = this.request.readLimits?.(headers, Date.now());
    this.signal = { kind: 'answered', status: statusCode, headers, ...(limits ? { limits } : {}) };
    const streaming =
      this.request.stream && isStreamAnswer(this.request, String(headers['content-type'] ?? ''));
    if (this.clientGone && (statusCode >= 400 || !streaming)) {
      // Waiting for a stream's input usage, the answer is an error or not a stream: nothing to bill or tell.
      this.releaseUpstream();
      return;
    }
    if (statusCode >= 400) {
      this.phase = 'error-body';
    } else if (streaming) {
      this.startStream();
    } else {
      this.phase = 'json';
    }
  }

  onData(chunk: Buffer): void {
    switch (this.phase) {
      case 'stream':
        this.pipe?.write(chunk);
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
        this.pipe?.end();
        return;
      case 'json':
        this.endJson();
        return;
      case 'error-body': {
        const error = this.clientError(
          this.status,
          decodeErrorBody(Buffer.concat(this.chunks), this.headers['content-encoding']),
          this.headers,
        );
        const signal = errorAnswerSignal(this.answered(), error, Date.now());
        if (!this.hold(signal, () => answerError(this.request, error, signal), error.code))
          this.fail(error, signal);
        return;
      }
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
    const failure = error instanceof AppError ? error : upstreamTransportError(error, phase);
    // Our own refusals (an oversized answer, an unknown encoding) are not the account's fault.
    const signal: UpstreamSignal | undefined =
      error instanceof AppError
        ? undefined
        : { kind: 'transport', timeout: failure.code === 'upstream_timeout' };
    if (signal && this.hold(signal, () => answerError(this.request, failure, signal), failure.code)) return;
    this.fail(failure, signal ?? this.signal);
  }

  private readonly onClientClose = (): void => {
    if (this.phase === 'done' || this.request.res.writableFinished) return;
    this.clientGone = true;
    // Nothing more goes to the client, held bytes included.
    this.held = undefined;
    if (this.controller && this.awaitsInputUsage()) {
      this.readForInputUsage();
      return;
    }
    // Aborting makes the transport call onError, which records the abort; before the call starts there is
    // no controller yet (nothing was sent upstream), and onStart aborts instead.
    if (this.controller) this.releaseUpstream();
    else if (this.phase === 'waiting') this.finishAborted();
  };

  /**
   * Whether the upstream is worth reading on after the client left: a stream (or a call that will be one)
   * whose input usage has not arrived. A non-stream answer is not awaited: its usage comes only with the whole
   * answer, after the upstream has generated (and billed) every output token for nobody, which costs more than
   * the exact count is worth, and no short deadline would cover a long answer. Those record what is known.
   */
  private awaitsInputUsage(): boolean {
    if (!this.request.stream) return false;
    if (this.phase === 'waiting') return true;
    const tap = this.pipe?.tap;
    return this.phase === 'stream' && tap !== undefined && !tap.sawInputUsage && tap.error === undefined;
  }

  /** Keeps the stream flowing, into the tap only, until its input usage arrives or the deadline passes. */
  private readForInputUsage(): void {
    // Paused for a full client socket, the upstream would never bring the usage.
    this.controller?.resume();
    this.usageDeadline = setTimeout(() => this.releaseUpstream(), ABANDONED_STREAM_USAGE_WAIT_MS);
  }

  /** Aborts the upstream call for a client that left; the transport's onError then settles it as aborted. */
  private releaseUpstream(): void {
    if (this.upstreamReleased) return;
    this.upstreamReleased = true;
    this.controller?.abort(new ClientGoneError());
  }

  /** The answer's status and headers as a signal about the account (set once the response started). */
  private answered(): Extract<UpstreamSignal, { kind: 'answered' }> {
    return this.signal?.kind === 'answered'
      ? this.signal
      : { kind: 'answered', status: this.status, headers: this.headers };
  }

  private readonly onClientDrain = (): void => {
    this.controller?.resume();
  };

  private startStream(): void {
    this.phase = 'stream';
    const encoding = responseEncoding(this.headers['content-encoding']);
    if (encoding === null) {
      this.controller?.abort(new AppError('upstream_error', 'The upstream used an unknown encoding'));
      return;
    }
    this.pipe = new StreamPipe(this.request, encoding, {
      bytes: (out, size) => this.forward(out, size),
      end: () => this.endStream(),
      fail: (error) => this.failStream(error),
    });
    // Read for its input usage only: status and headers stay here.
    if (this.clientGone) return;
    if (this.request.holdForRetry) this.held = [];
    else this.commitStream();
  }

  /** Sends the stream's status and headers, then anything held back: from here on, no failover. */
  private commitStream(): void {
    const { res } = this.request;
    res.writeHead(this.status, streamHeaders(this.headers, this.pipe?.clientContentType()));
    const held = this.held;
    this.held = undefined;
    if (held && held.length > 0) {
      this.ttftMs = performance.now() - this.request.startedAt;
      if (!res.write(held.length === 1 && held[0] ? held[0] : Buffer.concat(held))) this.controller?.pause();
    } else {
      res.flushHeaders();
    }
  }

  /** The client's bytes for `size` bytes of the upstream's stream, which the tap has read. */
  private forward(out: Buffer, size: number): void {
    if (this.phase === 'done') return;
    const tap = this.pipe?.tap;
    if (this.clientGone) {
      if (!tap || tap.sawInputUsage || tap.error) this.releaseUpstream();
      return;
    }
    if (this.held) {
      if (out.length > 0) this.held.push(out);
      this.heldSize += size;
      if (tap?.error && !tap.sawContent) {
        const signal: UpstreamSignal = { kind: 'stream-error', ...tap.error };
        if (this.hold(signal, () => this.answerHeldStream(), 'upstream_error')) return;
      }
      if (tap?.sawContent || tap?.error || this.heldSize > HOLD_LIMIT_BYTES) this.commitStream();
      return;
    }
    if (out.length === 0) return;
    if (this.ttftMs === undefined) this.ttftMs = performance.now() - this.request.startedAt;
    // Backpressure: stop reading upstream while the client's socket buffer is full; 'drain' resumes.
    if (!this.request.res.write(out)) this.controller?.pause();
  }

  private endStream(): void {
    if (this.phase === 'done') return;
    if (this.clientGone) {
      this.finishAborted();
      return;
    }
    if (this.held) this.commitStream();
    this.finish(this.endStreamResult());
  }

  private endStreamResult(): ExchangeResult {
    const result = streamEnded(this.status, this.pipe?.tap, this.ttftMs, this.signal);
    const rest = this.pipe?.rest();
    this.request.res.end(rest && rest.length > 0 ? rest : undefined);
    return result;
  }

  /** The upstream's error answer as the client reads it (in its own vocabulary where it speaks another format). */
  private clientError(status: number, body: Buffer, headers: IncomingHttpHeaders): AppError {
    const error = this.request.httpError(status, body, headers);
    return this.request.answer ? this.request.answer.error(error) : error;
  }

  /** A held stream that ended in an error event before any content, passed on as the upstream sent it. */
  private answerHeldStream(): ExchangeResult {
    this.commitStream();
    return this.endStreamResult();
  }

  /** Status and bytes are out; all that is left to tell the client is the format's in-stream error event. */
  private failStream(error: AppError): void {
    if (this.phase === 'done') return;
    if (this.clientGone) {
      this.releaseUpstream();
      this.finishAborted();
      return;
    }
    const signal: UpstreamSignal = { kind: 'transport', timeout: error.code === 'upstream_timeout' };
    if (this.held && this.hold(signal, () => this.answerStreamFailure(error, signal), error.code)) return;
    this.finish(this.answerStreamFailure(error, signal));
  }

  private answerStreamFailure(error: AppError, signal: UpstreamSignal): ExchangeResult {
    if (this.held) this.commitStream();
    const result = streamFailed(this.status, this.pipe?.tap, this.ttftMs, error, signal);
    this.request.res.end(
      this.pipe ? this.pipe.failFrame(error) : this.request.errors.streamFrame(error, this.request.requestId),
    );
    return result;
  }

  private endJson(): void {
    const raw =
      this.chunks.length === 1 && this.chunks[0] ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    const result = answerComplete(this.request, this.status, this.headers, raw, this.signal);
    if (result instanceof AppError) this.fail(result);
    else this.finish(result);
  }

  private fail(error: AppError, signal?: UpstreamSignal): void {
    if (this.phase === 'done') return;
    this.finish(answerError(this.request, error, signal));
  }

  /**
   * Holds a failure back when nothing has reached the client and the caller will try another account:
   * the upstream call is dropped and the result carries `retry.answer`, which sends the failure if no retry
   * follows. Returns false when the failure must be answered now.
   */
  private hold(signal: UpstreamSignal, answer: () => ExchangeResult, errorCode: string): boolean {
    if (this.phase === 'done' || this.request.res.headersSent || !this.request.holdForRetry?.(signal)) {
      return false;
    }
    this.finish(heldFailure(signal.kind === 'answered' ? signal.status : 502, errorCode, signal, answer));
    // After finish: the transport's onError for this abort then finds the exchange done.
    this.controller?.abort(new HeldForRetryError());
    return true;
  }

  private finishAborted(): void {
    this.finish(clientAborted(this.pipe?.tap, this.ttftMs, this.signal));
  }

  private finish(result: ExchangeResult): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    this.chunks = [];
    if (this.usageDeadline) clearTimeout(this.usageDeadline);
    this.request.res.off('close', this.onClientClose);
    this.request.res.off('drain', this.onClientDrain);
    this.resolve(result);
  }
}
