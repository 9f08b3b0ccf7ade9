// Watches a Gemini stream on the side, framed either way Google sends it (SSE `data:` chunks with `alt=sse`,
// or one JSON array sent element by element): content progress, the cumulative `usageMetadata` of the latest
// chunk, and an `{error}` chunk the upstream sends after its 200.
import type { AppError } from '../../../errors/app-error.js';
import type { StreamErrorBlame } from '../../../services/accounts/account-signals.js';
import type { TokenUsage } from '../../../services/usage/usage-types.js';
import type { StreamError, StreamTap } from '../../exchange/stream-tap.js';
import { JsonObjectScanner } from '../../stream/json-objects.js';
import { lastObjectField } from '../../stream/json-tail-object.js';
import { finalUsageOf } from '../final-usage.js';
import { field, parseJson } from '../json-values.js';
import { streamErrorOf } from '../stream-error.js';
import { geminiErrorChunk } from './errors.js';
import { geminiUsage } from './usage.js';

/** Length of a chunk's envelope without its text, roughly (candidate, usage, model version, response id). */
const CHUNK_ENVELOPE_CHARS = 400;
const ERROR_CHUNK = /^\{\s*"error"\s*:/;

export class GeminiStreamTap implements StreamTap {
  private usage: TokenUsage | undefined;
  sawContent = false;
  error: StreamError | undefined;
  private textChars = 0;
  private readonly scanner = new JsonObjectScanner((text) => this.onChunk(text));

  /** `inputEstimate`: the request's input tokens as admission estimated them, for a stream cut before any usage. */
  constructor(private readonly inputEstimate: number) {}

  /** Every chunk carries the prompt's count, so the first one with usage has billed the input. */
  get sawInputUsage(): boolean {
    return this.usage !== undefined;
  }

  push(chunk: Buffer): void {
    this.scanner.push(chunk);
  }

  end(): void {}

  finalUsage(): { usage: TokenUsage; estimated: boolean } {
    return finalUsageOf(this.usage, this.inputEstimate, this.textChars);
  }

  errorFrame(error: AppError, requestId: string): string {
    if (!this.scanner.isArray) return geminiErrorChunk(error, requestId, 'sse');
    return geminiErrorChunk(error, requestId, this.scanner.objects > 0 ? 'array-next' : 'array-first');
  }

  private onChunk(text: string): void {
    if (ERROR_CHUNK.test(text)) {
      this.error = failure(field(parseJson(text), 'error'));
      return;
    }
    this.usage = geminiUsage(lastObjectField(text, 'usageMetadata')) ?? this.usage;
    if (text.includes('"candidates"')) {
      this.sawContent = true;
      this.textChars += Math.max(0, text.length - CHUNK_ENVELOPE_CHARS);
    }
  }
}

/**
 * google.rpc status codes, read as whose fault they are: a request another account would fail the same way
 * must not move to one; unknown statuses are the account's.
 */
const BLAME: Readonly<Record<string, StreamErrorBlame>> = {
  INVALID_ARGUMENT: 'request',
  FAILED_PRECONDITION: 'request',
  NOT_FOUND: 'request',
  OUT_OF_RANGE: 'request',
  RESOURCE_EXHAUSTED: 'rate_limited',
  UNAVAILABLE: 'overloaded',
};

const NAMES = {
  fields: ['status'],
  fallback: 'INTERNAL',
  blame: (name: string) => BLAME[name] ?? 'error',
} as const;

function failure(value: unknown): StreamError {
  return streamErrorOf(value, NAMES);
}
