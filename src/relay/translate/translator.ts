// The contract each client format's translator fulfils: its requests, answers and streams to and from the
// canonical model (relay/canonical/). Pure functions over parsed JSON and bytes; a translator never imports
// another format's, and the pipeline composes two of them (client → canonical → upstream and back).
import type { AppError } from '../../errors/app-error.js';
import type { CanonicalRequest } from '../canonical/request.js';
import type { CanonicalResponse, StreamPart } from '../canonical/response.js';

/** The formats that translate; Code Assist's wrapped Gemini is served by Code Assist accounts only. */
export type TranslatedFormat = 'anthropic' | 'openai-chat' | 'openai-responses' | 'gemini';

/** What rendering an answer for the client needs besides the answer. */
export interface AnswerContext {
  /** The model as the client asked for it (answers name the client's model, not the upstream's). */
  model: string;
  /** The relay's request id: ids the format requires and the upstream gave none for are derived from it. */
  requestId: string;
  /** The client's query string without `?` (Gemini frames its stream by `alt=sse`). */
  clientQuery: string;
  /** Seconds since the epoch, for formats whose answers carry a creation time. */
  created: number;
  /** The client's request as read: what it asked the answer to carry (Chat's `stream_options.include_usage`). */
  request: CanonicalRequest;
}

/** Upstream stream bytes in, canonical parts out, incrementally: nothing is held beyond an incomplete event. */
export interface StreamDecoder {
  push(chunk: Buffer): StreamPart[];
  end(): StreamPart[];
}

/** Canonical parts in, the client format's stream bytes out (possibly empty), incrementally. */
export interface StreamEncoder {
  write(parts: readonly StreamPart[]): string;
  /** The stream's end as the format closes it (`[DONE]`, a JSON array's `]`); empty when already closed. */
  end(): string;
  /** Ends the stream with the relay's own error, as the format's in-stream error event. */
  fail(error: AppError): string;
}

export interface FormatTranslator {
  readonly format: TranslatedFormat;
  /**
   * Reads a client's parsed generation request. `model` and `stream` are what the relay already read (from the
   * body or, for Gemini, the path). Throws a 400 AppError naming the field that cannot be read.
   */
  toCanonicalRequest(body: Record<string, unknown>, model: string, stream: boolean): CanonicalRequest;
  /**
   * Renders a request for an upstream of this format, asking for `model`. Throws a 400 AppError (reason
   * `unsupported_feature`) naming what the request asks that this format cannot express.
   */
  fromCanonicalRequest(request: CanonicalRequest, model: string): Record<string, unknown>;
  /** Reads a complete answer of this format. */
  toCanonicalResponse(body: unknown): CanonicalResponse;
  /** Renders a complete answer for a client of this format. */
  fromCanonicalResponse(response: CanonicalResponse, context: AnswerContext): unknown;
  decodeStream(): StreamDecoder;
  encodeStream(context: AnswerContext): StreamEncoder;
  /** The content type a client of this format reads its stream with. */
  streamContentType(clientQuery: string): string;
  /**
   * The query string (without `?`) an upstream of this format is asked with, for formats whose stream framing
   * it chooses (Gemini's `alt=sse`); absent, none.
   */
  upstreamQuery?(stream: boolean): string;
}
