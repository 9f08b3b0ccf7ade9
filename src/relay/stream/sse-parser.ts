// Incremental Server-Sent Events parser: bytes in (any chunking), complete events out. Never throws on junk.
import { StringDecoder } from 'node:string_decoder';

export type SseEventHandler = (event: string, data: string) => void;

/** Longest line kept while waiting for its end; a stream that never sends a newline is not buffered forever. */
const MAX_LINE_CHARS = 4 * 1024 * 1024;

export class SseParser {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private event = '';
  private data: string[] = [];
  private skipLineFeed = false;

  constructor(private readonly onEvent: SseEventHandler) {}

  push(chunk: Buffer): void {
    this.consume(this.decoder.write(chunk));
  }

  /** Flushes a final event that was not followed by a blank line (a cut stream). */
  end(): void {
    this.consume(this.decoder.end());
    if (this.partial !== '') {
      this.line(this.partial);
      this.partial = '';
    }
    this.dispatch();
  }

  private consume(text: string): void {
    let start = 0;
    for (let index = 0; index < text.length; index += 1) {
      const code = text.charCodeAt(index);
      if (this.skipLineFeed) {
        this.skipLineFeed = false;
        // "\r\n" is one line ending, even when the two characters arrive in different chunks.
        if (code === 10) {
          start = index + 1;
          continue;
        }
      }
      if (code !== 10 && code !== 13) continue;
      const piece = text.slice(start, index);
      const line = this.partial === '' ? piece : this.partial + piece;
      this.partial = '';
      this.line(line);
      this.skipLineFeed = code === 13;
      start = index + 1;
    }
    if (start < text.length) {
      this.partial += text.slice(start);
      if (this.partial.length > MAX_LINE_CHARS) this.partial = '';
    }
  }

  private line(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ':' starts a comment
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
  }

  private dispatch(): void {
    if (this.data.length === 0) {
      this.event = '';
      return;
    }
    const data = this.data.length === 1 ? (this.data[0] ?? '') : this.data.join('\n');
    const event = this.event === '' ? 'message' : this.event;
    this.data = [];
    this.event = '';
    this.onEvent(event, data);
  }
}
