// The byte path of a streamed answer, from what the upstream sent to what the client gets: decoded if it came
// compressed, converted from the provider's wire format (Bedrock's event stream, Code Assist's wrapping), read
// by the account format's tap for usage and progress, filtered of what the relay asked for itself, and turned
// into the client's format where the client speaks another. The exchange decides what to do with the bytes
// (hold them for failover, write them, drop them for a client that left); this only shapes them.
import type { Transform } from 'node:stream';
import type { AppError } from '../../errors/app-error.js';
import { createDecoder, type Decodable } from '../upstream/encoding.js';
import { upstreamTransportError } from '../upstream/upstream-errors.js';
import type { ExchangeRequest } from './exchange-result.js';
import type { AnswerStream, StreamTap } from './stream-tap.js';

export interface StreamPipeSink {
  /** The client's bytes for a piece of the upstream's stream (possibly empty); `size`: the piece's length. */
  bytes(out: Buffer, size: number): void;
  /** The upstream's stream ended (after the last `bytes`). */
  end(): void;
  /** The stream could not be decoded. */
  fail(error: AppError): void;
}

export class StreamPipe {
  readonly tap: StreamTap;
  private readonly decoder: Transform | undefined;
  private readonly converter: { push(chunk: Buffer): Buffer; end(): Buffer } | undefined;
  private readonly answer: AnswerStream | undefined;

  /** `encoding`: the answer's content encoding, already known to be one the relay decodes. */
  constructor(
    private readonly request: ExchangeRequest,
    encoding: Decodable | undefined,
    private readonly sink: StreamPipeSink,
  ) {
    this.tap = request.format.createTap(request.tapContext);
    if (encoding) {
      // Streams are asked for uncompressed; one that comes compressed anyway is decoded, so the tap can read it
      // and the client gets what it can certainly read.
      const decoder = createDecoder(encoding);
      decoder.on('data', (chunk: Buffer) => this.convert(chunk));
      decoder.on('end', () => this.endConverted());
      decoder.on('error', (error) => sink.fail(upstreamTransportError(error, 'body')));
      this.decoder = decoder;
    }
    this.converter = request.translation?.createStreamConverter(request.clientQuery);
    this.answer = request.answer?.createStream();
  }

  write(chunk: Buffer): void {
    if (this.decoder) this.decoder.write(chunk);
    else this.convert(chunk);
  }

  end(): void {
    if (this.decoder) this.decoder.end();
    else this.endConverted();
  }

  /** The content type the client's stream goes out with; undefined keeps the upstream's. */
  clientContentType(): string | undefined {
    const { answer, translation, clientQuery } = this.request;
    if (answer) return answer.streamContentType;
    if (!this.converter) return undefined;
    return translation?.clientStreamContentType?.(clientQuery) ?? 'text/event-stream; charset=utf-8';
  }

  /**
   * What is left to send at the end: a filtering tap may still hold the stream's last frame (`[DONE]`, with
   * nothing after it to end it), a translation its closing events.
   */
  rest(): Buffer | undefined {
    const filtered = this.tap.filterEnd?.();
    if (!this.answer) return filtered;
    const converted = filtered && filtered.length > 0 ? this.answer.push(filtered) : undefined;
    const end = this.answer.end();
    return converted && converted.length > 0 ? Buffer.concat([converted, end]) : end;
  }

  /** The client format's in-stream event that ends the stream with the relay's own error. */
  failFrame(error: AppError): Buffer | string {
    return this.answer ? this.answer.fail(error) : this.tap.errorFrame(error, this.request.requestId);
  }

  private convert(chunk: Buffer): void {
    const out = this.converter ? this.converter.push(chunk) : chunk;
    if (out.length > 0) this.shape(out);
  }

  private endConverted(): void {
    const tail = this.converter?.end();
    if (tail && tail.length > 0) this.shape(tail);
    this.sink.end();
  }

  private shape(chunk: Buffer): void {
    this.tap.push(chunk);
    const tapped = this.tap.filter ? this.tap.filter(chunk) : chunk;
    this.sink.bytes(this.answer ? this.answer.push(tapped) : tapped, chunk.length);
  }
}
