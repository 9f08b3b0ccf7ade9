// What every SSE format's stream decoder shares: bytes in (any chunking), events out of the SSE parser into the
// format's own reading, and the parts that reading emitted handed out after each push. Gemini's decoder, which
// also reads a streamed JSON array, has its own.
import type { StreamPart } from '../canonical/response.js';
import { SseParser } from '../stream/sse-parser.js';
import type { StreamDecoder } from './translator.js';

export abstract class SseStreamDecoder implements StreamDecoder {
  private readonly parser = new SseParser((event, data) => this.onEvent(event, data));
  private parts: StreamPart[] = [];

  /** One complete event of the upstream's stream. */
  protected abstract onEvent(event: string, data: string): void;

  /** What the end of the stream itself says (blocks it left open); nothing by default. */
  protected onEnd(): void {}

  protected emit(...parts: StreamPart[]): void {
    this.parts.push(...parts);
  }

  push(chunk: Buffer): StreamPart[] {
    this.parser.push(chunk);
    return this.take();
  }

  end(): StreamPart[] {
    this.parser.end();
    this.onEnd();
    return this.take();
  }

  private take(): StreamPart[] {
    const parts = this.parts;
    this.parts = [];
    return parts;
  }
}
