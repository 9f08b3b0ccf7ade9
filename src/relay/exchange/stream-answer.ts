// A streamed answer as the client gets it: whether the upstream's answer is a stream the client can take, the
// headers it goes out with, and the result of each way it can end. Pure: the exchange keeps the state.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { AppError } from '../../errors/app-error.js';
import type { UpstreamSignal } from '../../services/accounts/account-signals.js';
import { forwardedResponseHeaders } from './complete-answer.js';
import type { ExchangeRequest, ExchangeResult } from './exchange-result.js';
import { endTap, type StreamTap } from './stream-tap.js';

export function isStreamAnswer(
  request: Pick<ExchangeRequest, 'translation' | 'format' | 'stream'>,
  contentType: string,
): boolean {
  const { translation, format, stream } = request;
  if (translation) return contentType.includes(translation.streamContentType);
  if (contentType.includes('text/event-stream')) return true;
  return stream && format.streamsAsJson === true && contentType.includes('application/json');
}

/** The stream's response headers: the upstream's that may pass, in the client's content type, never cached. */
export function streamHeaders(
  upstream: IncomingHttpHeaders,
  clientContentType: string | undefined,
): OutgoingHttpHeaders {
  const headers = forwardedResponseHeaders(upstream);
  if (clientContentType) headers['content-type'] = clientContentType;
  headers['cache-control'] = 'no-cache';
  // Proxies such as nginx would otherwise buffer the stream and break incremental delivery.
  headers['x-accel-buffering'] = 'no';
  return headers;
}

/** A stream that ran to its end, an error event the upstream sent in it included. Ends the tap. */
export function streamEnded(
  status: number,
  tap: StreamTap | undefined,
  ttftMs: number | undefined,
  signal: UpstreamSignal | undefined,
): ExchangeResult {
  const final = endTap(tap, true);
  return {
    status,
    outcome: tap?.error ? 'upstream_error' : 'ok',
    usage: final.usage,
    estimated: final.estimated,
    ttftMs,
    errorCode: tap?.error?.type,
    errorMessage: tap?.error?.message,
    signal: tap?.error ? { kind: 'stream-error', ...tap.error } : signal,
  };
}

/** A stream the relay ended with `error` after its status had gone out. Ends the tap. */
export function streamFailed(
  status: number,
  tap: StreamTap | undefined,
  ttftMs: number | undefined,
  error: AppError,
  signal: UpstreamSignal,
): ExchangeResult {
  const final = endTap(tap, true);
  return {
    status,
    outcome: 'upstream_error',
    usage: final.usage,
    estimated: final.estimated,
    ttftMs,
    errorCode: error.code,
    errorMessage: error.message,
    signal,
  };
}

/** An exchange whose client left: what the tap read is what is known; without a tap (nothing streamed), exactly nothing. */
export function clientAborted(
  tap: StreamTap | undefined,
  ttftMs: number | undefined,
  signal: UpstreamSignal | undefined,
): ExchangeResult {
  const final = endTap(tap, false);
  return {
    status: 499,
    outcome: 'client_aborted',
    usage: final.usage,
    estimated: final.estimated,
    ttftMs,
    errorCode: undefined,
    signal,
  };
}
