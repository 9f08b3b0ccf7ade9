// Watches an Anthropic SSE stream on the side: usage from message_start/message_delta, errors, progress.
import type { AppError } from '../../../errors/app-error.js';
import type { TokenUsage } from '../../../services/usage/usage-types.js';
import type { StreamTap } from '../../exchange/stream-tap.js';
import { SseParser } from '../../stream/sse-parser.js';
import { CHARS_PER_TOKEN } from '../final-usage.js';
import { field, parseJson } from '../json-values.js';
import { anthropicErrors } from './errors.js';
import { mergeAnthropicUsage } from './usage.js';

/** Length of `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":""}}`: the rest is text. */
const DELTA_ENVELOPE_CHARS = 80;

export interface StreamError {
  type: string;
  message: string;
}

export class AnthropicStreamTap implements StreamTap {
  readonly usage: TokenUsage = { input: 0, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 };
  sawMessageStart = false;
  /** message_start went by: it is where Anthropic reports the input, cache reads and cache writes. */
  sawInputUsage = false;
  /** The final usage (message_delta) arrived: the counts are exact. */
  sawFinalUsage = false;
  sawMessageStop = false;
  /** Any content event went out: from here on failover is impossible. */
  sawContent = false;
  error: StreamError | undefined;
  private deltaChars = 0;
  private readonly parser = new SseParser((event, data) => this.onEvent(event, data));

  push(chunk: Buffer): void {
    this.parser.push(chunk);
  }

  end(): void {
    this.parser.end();
  }

  errorFrame(error: AppError, requestId: string): string {
    return anthropicErrors.streamFrame(error, requestId);
  }

  /** Output tokens: exact when the stream finished, otherwise the larger of reported and estimated. */
  finalUsage(): { usage: TokenUsage; estimated: boolean } {
    if (this.sawFinalUsage) return { usage: { ...this.usage }, estimated: false };
    const estimatedOutput = Math.ceil(this.deltaChars / CHARS_PER_TOKEN);
    return {
      usage: { ...this.usage, output: Math.max(this.usage.output, estimatedOutput) },
      estimated: true,
    };
  }

  private onEvent(event: string, data: string): void {
    switch (event) {
      case 'content_block_delta':
        // The hot loop of a stream: measured, not parsed.
        this.sawContent = true;
        this.deltaChars += Math.max(0, data.length - DELTA_ENVELOPE_CHARS);
        return;
      case 'content_block_start':
        this.sawContent = true;
        return;
      case 'message_start': {
        const parsed = parseJson(data);
        this.sawMessageStart = true;
        mergeAnthropicUsage(this.usage, field(field(parsed, 'message'), 'usage'));
        // Even a message_start without usage ends the wait: nothing later in the stream reports input sooner.
        this.sawInputUsage = true;
        return;
      }
      case 'message_delta': {
        const usage = field(parseJson(data), 'usage');
        if (usage !== undefined) {
          mergeAnthropicUsage(this.usage, usage);
          this.sawFinalUsage = true;
        }
        return;
      }
      case 'message_stop':
        this.sawMessageStop = true;
        return;
      case 'error': {
        const error = field(parseJson(data), 'error');
        const type = field(error, 'type');
        const message = field(error, 'message');
        this.error = {
          type: typeof type === 'string' ? type : 'api_error',
          message: typeof message === 'string' ? message : 'upstream stream error',
        };
        return;
      }
      default:
        return;
    }
  }
}
