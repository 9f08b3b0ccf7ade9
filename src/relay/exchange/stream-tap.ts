// What the pass-through needs from a format's stream tap; each format implements it over its own events.
import type { IncomingHttpHeaders } from 'node:http';
import type { AppError } from '../../errors/app-error.js';
import type { StreamErrorBlame } from '../../services/accounts/account-signals.js';
import { type TokenUsage, ZERO_USAGE } from '../../services/usage/usage-types.js';

/** An upstream's in-stream error: its own type or code, its message, and whose fault the format says it is. */
export interface StreamError {
  type: string;
  message: string;
  blame?: StreamErrorBlame | undefined;
}

export interface StreamTap {
  push(chunk: Buffer): void;
  end(): void;
  finalUsage(): { usage: TokenUsage; estimated: boolean };
  /** A content event went by: from here on the stream is the client's, and failover is impossible. */
  readonly sawContent: boolean;
  /**
   * The upstream has reported the request's input tokens (Anthropic: `message_start`), so a stream whose client
   * left need not be read further to bill what the upstream will charge for.
   */
  readonly sawInputUsage: boolean;
  /** An in-stream error event the upstream sent after its 200, if any. */
  readonly error: StreamError | undefined;
  /**
   * The frame that ends this stream with the relay's own error (the upstream was cut, went silent): rendered by
   * the tap, which knows where the stream stands (Responses events carry a sequence number).
   */
  errorFrame(error: AppError, requestId: string): string;
  /**
   * What of the upstream's bytes the client gets, for a tap that must hold back something the relay asked for
   * on its own behalf (a usage chunk the client did not ask for); `filterEnd` gives what is left at the end.
   * Absent: every byte passes unchanged.
   */
  filter?(chunk: Buffer): Buffer;
  filterEnd?(): Buffer;
}

/**
 * Ends a tap and reads its usage; with no tap (nothing was streamed) zero usage, `estimated` as the caller
 * knows it to be.
 */
export function endTap(
  tap: StreamTap | undefined,
  estimatedWithoutTap: boolean,
): { usage: TokenUsage; estimated: boolean } {
  if (!tap) return { usage: { ...ZERO_USAGE }, estimated: estimatedWithoutTap };
  tap.end();
  return tap.finalUsage();
}

/** What a tap is told about its request. */
export interface TapContext {
  /**
   * The request's input tokens as admission estimated them (0 when not measured), for formats that report
   * input only with their final event: a stream cut before it still records an estimate of what was billed.
   */
  inputEstimate: number;
  /** The client's parsed body (undefined for calls without one): what the client asked the stream to carry. */
  body: Record<string, unknown> | undefined;
}

/** The format-specific half of a pass-through exchange. */
export interface PassThroughFormat {
  createTap(context: TapContext): StreamTap;
  /** Usage from a complete (non-stream) JSON answer; undefined when the answer carries none. */
  usageFromBody(text: string): TokenUsage | undefined;
  /**
   * Its streams may come as one JSON array sent element by element (`application/json`), not only as SSE: a
   * streaming request's JSON answer is then streamed through the tap, not held whole (Gemini without `alt=sse`).
   */
  readonly streamsAsJson?: boolean;
}

/**
 * For upstreams that do not speak the client's format on the wire (Bedrock): how their stream becomes the
 * client's SSE and their error answers the client's errors. Pass-through upstreams have none.
 */
export interface ResponseTranslation {
  /** The content type of the upstream's streamed answer. */
  streamContentType: string;
  /** `clientQuery`: the client's query string, for formats whose stream framing it chooses (Gemini's `alt`). */
  createStreamConverter(clientQuery: string): { push(chunk: Buffer): Buffer; end(): Buffer };
  /**
   * The content type the client's stream is sent with; absent, SSE. */
  clientStreamContentType?(clientQuery: string): string;
  /** A complete (non-stream) success answer as the client's format has it; absent, it passes unchanged. */
  convertBody?(body: Buffer): Buffer;
  httpError(status: number, body: Buffer, headers: IncomingHttpHeaders): AppError;
}

/**
 * Where the client speaks another format than the account (translation through the canonical model): how the
 * answer, already in the account's format and tapped there for its usage, becomes the client's.
 */
export interface AnswerTranslation {
  /** The content type the client's stream is sent with. */
  streamContentType: string;
  createStream(): AnswerStream;
  /** A complete success answer, decoded, as the client's format has it. */
  body(plain: Buffer): Buffer;
  /** An upstream error answer as the client sees it: in the client's vocabulary, not the upstream's. */
  error(upstream: AppError): AppError;
}

export interface AnswerStream {
  push(chunk: Buffer): Buffer;
  end(): Buffer;
  /** The client format's in-stream error event, ending the stream. */
  fail(error: AppError): Buffer;
}
