// Splits a byte stream into its top-level JSON objects, whatever frames them: SSE `data:` lines, or one JSON
// array sent a piece at a time (Gemini streams either way). Bytes outside an object (`data: `, `[`, `,`, `]`,
// line breaks) are skipped; strings and escapes are honoured across chunk boundaries.

const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b; // [
const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

export class JsonObjectScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Pieces of the object being read, from its `{` on. */
  private pieces: Buffer[] = [];
  /** The first byte that is not white space opened an array: the stream is one JSON array, not SSE. */
  private framing: 'unknown' | 'array' | 'other' = 'unknown';
  /** Complete top-level objects seen so far. */
  objects = 0;

  constructor(private readonly onObject: (text: string) => void) {}

  get isArray(): boolean {
    return this.framing === 'array';
  }

  push(chunk: Buffer): void {
    let start = this.depth > 0 ? 0 : -1;
    for (let index = 0; index < chunk.length; index += 1) {
      const byte = chunk[index] as number;
      if (this.framing === 'unknown' && byte !== SPACE && byte !== TAB && byte !== LF && byte !== CR) {
        this.framing = byte === OPEN_ARRAY ? 'array' : 'other';
      }
      if (this.depth === 0) {
        if (byte === OPEN) {
          this.depth = 1;
          start = index;
        }
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) this.inString = false;
        continue;
      }
      if (byte === QUOTE) this.inString = true;
      else if (byte === OPEN) this.depth += 1;
      else if (byte === CLOSE) {
        this.depth -= 1;
        if (this.depth === 0) {
          this.pieces.push(chunk.subarray(start, index + 1));
          this.emit();
          start = -1;
        }
      }
    }
    if (this.depth > 0 && start !== -1) this.pieces.push(chunk.subarray(start));
  }

  private emit(): void {
    const pieces = this.pieces;
    this.pieces = [];
    this.objects += 1;
    const text = (pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces)).toString('utf8');
    this.onObject(text);
  }
}
