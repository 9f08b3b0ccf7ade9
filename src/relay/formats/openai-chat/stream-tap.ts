// Watches a Chat Completions SSE stream on the side: content progress, the final usage chunk, error chunks.
// When the relay asked for the usage chunk on its own behalf, the tap also holds that chunk back from the
// client, which then sees exactly the stream it asked for.
import type { AppError } from '../../../errors/app-error.js';
import type { StreamErrorBlame } from '../../../services/accounts/account-signals.js';
import type { TokenUsage } from '../../../services/usage/usage-types.js';
import type { StreamError, StreamTap } from '../../exchange/stream-tap.js';
import { SseParser } from '../../stream/sse-parser.js';
import { finalUsageOf } from '../final-usage.js';
import { field, parseJson } from '../json-values.js';
import { streamErrorOf } from '../stream-error.js';
import { chatErrors } from './errors.js';
import { chatUsage } from './usage.js';

/** Length of a chunk's envelope without its text, roughly: the rest is text. */
const DELTA_ENVELOPE_CHARS = 180;
const FRAME_END = Buffer.from('\n\n');

export class ChatStreamTap implements StreamTap {
  private usage: TokenUsage | undefined;
  sawContent = false;
  /** Chat streams report usage only in their last chunk: an abandoned stream is let go at its first bytes. */
  readonly sawInputUsage = true;
  error: StreamError | undefined;
  private deltaChars = 0;
  /** Bytes of a frame not yet complete, held while the usage chunk is being hidden. */
  private pending: Buffer | undefined;
  private readonly parser = new SseParser((_event, data) => this.onData(data));

  /**
   * `inputEstimate`: admission's estimate, for a stream cut before its usage. `hideUsage`: the client did not
   * ask for the usage chunk; the relay did, and the client must not see it.
   */
  constructor(
    private readonly inputEstimate: number,
    hideUsage: boolean,
  ) {
    if (!hideUsage) {
      this.filter = undefined;
      this.filterEnd = undefined;
    }
  }

  push(chunk: Buffer): void {
    this.parser.push(chunk);
  }

  end(): void {
    this.parser.end();
  }

  finalUsage(): { usage: TokenUsage; estimated: boolean } {
    return finalUsageOf(this.usage, this.inputEstimate, this.deltaChars);
  }

  errorFrame(error: AppError, requestId: string): string {
    return chatErrors.streamFrame(error, requestId);
  }

  /** Passes whole frames, except the usage chunk; a frame's bytes go out unchanged once it is complete. */
  filter?: ((chunk: Buffer) => Buffer) | undefined = (chunk) => {
    const bytes = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    let start = 0;
    for (let end = bytes.indexOf(FRAME_END); end !== -1; end = bytes.indexOf(FRAME_END, start)) {
      const frame = bytes.subarray(start, end + FRAME_END.length);
      if (!isUsageChunk(frame)) out.push(frame);
      start = end + FRAME_END.length;
    }
    this.pending = start < bytes.length ? Buffer.from(bytes.subarray(start)) : undefined;
    return out.length === 1 && out[0] ? out[0] : Buffer.concat(out);
  };

  filterEnd?: (() => Buffer) | undefined = () => {
    const rest = this.pending ?? Buffer.alloc(0);
    this.pending = undefined;
    return isUsageChunk(rest) ? Buffer.alloc(0) : rest;
  };

  private onData(data: string): void {
    if (data === '[DONE]') return;
    if (data.includes('"error"')) {
      const error = field(parseJson(data), 'error');
      if (error !== undefined) {
        this.error = failure(error);
        return;
      }
    }
    if (data.includes('"usage":{') || data.includes('"usage": {')) {
      const usage = chatUsage(field(parseJson(data), 'usage'));
      if (usage) this.usage = usage;
    }
    if (data.includes('"content"') || data.includes('"tool_calls"') || data.includes('"reasoning')) {
      this.sawContent = true;
      this.deltaChars += Math.max(0, data.length - DELTA_ENVELOPE_CHARS);
    }
  }
}

/** The usage-only chunk OpenAI sends last when asked: `"choices":[]` and a usage object. */
function isUsageChunk(frame: Buffer): boolean {
  if (frame.indexOf('"usage"') === -1 || frame.indexOf('"choices":[]') === -1) return false;
  const text = frame.toString('utf8').trim();
  if (!text.startsWith('data:')) return false;
  const chunk = parseJson(text.slice(5).trim());
  const choices = field(chunk, 'choices');
  return (
    Array.isArray(choices) &&
    choices.length === 0 &&
    typeof field(chunk, 'usage') === 'object' &&
    field(chunk, 'usage') !== null
  );
}

/**
 * OpenAI's error codes in a stream, read as whose fault they are: a request another account would fail the
 * same way must not move to one; unknown codes are the account's.
 */
const NAMES = {
  fields: ['code', 'type'],
  fallback: 'server_error',
  blame: (name: string): StreamErrorBlame => {
    if (name === 'rate_limit_exceeded') return 'rate_limited';
    if (name === 'insufficient_quota') return 'quota';
    if (name.startsWith('invalid_') || name === 'context_length_exceeded' || name === 'content_filter') {
      return 'request';
    }
    return 'error';
  },
} as const;

function failure(value: unknown): StreamError {
  return streamErrorOf(value, NAMES);
}
