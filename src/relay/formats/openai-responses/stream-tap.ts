// Watches a Responses SSE stream on the side: content progress, the final usage of `response.completed`
// (or `response.incomplete` / `response.failed`), error events, and the last sequence number.
import type { AppError } from '../../../errors/app-error.js';
import type { StreamErrorBlame } from '../../../services/accounts/account-signals.js';
import type { TokenUsage } from '../../../services/usage/usage-types.js';
import type { StreamError, StreamTap } from '../../exchange/stream-tap.js';
import { SseParser } from '../../stream/sse-parser.js';
import { finalUsageOf } from '../final-usage.js';
import { field, parseJson } from '../json-values.js';
import { streamErrorOf } from '../stream-error.js';
import { responsesErrorEvent } from './errors.js';
import { responsesUsage } from './usage.js';

/** Length of a text delta event's envelope without its text, roughly: the rest is text. */
const DELTA_ENVELOPE_CHARS = 150;

/** Events that end a response and carry its usage. */
const FINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

export class ResponsesStreamTap implements StreamTap {
  private usage: TokenUsage | undefined;
  sawContent = false;
  /**
   * Responses report usage only with the final event, after the whole answer: waiting for it once the client
   * has left would mean letting the upstream generate (and bill) every output token for nobody. So a stream
   * is let go at its first bytes (which show the upstream took the request, and bills its input), and an
   * abandoned stream records the admission's input estimate and the output seen, flagged estimated.
   */
  readonly sawInputUsage = true;
  error: StreamError | undefined;
  private lastSequence = -1;
  private deltaChars = 0;
  private readonly parser = new SseParser((event, data) => this.onEvent(event, data));

  /** `inputEstimate`: the request's input tokens as admission estimated them, for a stream cut before its usage. */
  constructor(private readonly inputEstimate: number) {}

  push(chunk: Buffer): void {
    this.parser.push(chunk);
  }

  end(): void {
    this.parser.end();
  }

  finalUsage(): { usage: TokenUsage; estimated: boolean } {
    return finalUsageOf(this.usage, this.inputEstimate, this.deltaChars);
  }

  errorFrame(error: AppError): string {
    return responsesErrorEvent(error, this.lastSequence + 1);
  }

  private onEvent(event: string, data: string): void {
    // The hot loop of a stream: text deltas are measured, not parsed.
    if (event === 'response.output_text.delta' || event === 'response.reasoning_summary_text.delta') {
      this.sawContent = true;
      this.deltaChars += Math.max(0, data.length - DELTA_ENVELOPE_CHARS);
      this.lastSequence += 1;
      return;
    }
    const parsed = parseJson(data);
    const sequence = field(parsed, 'sequence_number');
    if (typeof sequence === 'number') this.lastSequence = sequence;
    const type = event === '' ? field(parsed, 'type') : event;
    if (typeof type !== 'string') return;
    if (FINAL_EVENTS.has(type)) {
      const response = field(parsed, 'response');
      this.usage = responsesUsage(field(response, 'usage')) ?? this.usage;
      if (type === 'response.failed') this.error = failure(field(response, 'error'));
      return;
    }
    if (type === 'error') {
      this.error = failure(parsed);
      return;
    }
    // Output items (messages, function calls, reasoning) are content: the client has seen the answer begin.
    if (type.startsWith('response.output_') || type.startsWith('response.function_call'))
      this.sawContent = true;
  }
}

/**
 * OpenAI's in-stream error codes, read as whose fault they are: a request another account would fail the same
 * way must not move to one (nor take the account out of service); unknown codes are the account's.
 */
const BLAME: Readonly<Record<string, StreamErrorBlame>> = {
  context_length_exceeded: 'request',
  invalid_prompt: 'request',
  invalid_request_error: 'request',
  invalid_value: 'request',
  invalid_image: 'request',
  cyber_policy: 'request',
  content_policy_violation: 'request',
  rate_limit_exceeded: 'rate_limited',
  usage_limit_reached: 'rate_limited',
  server_is_overloaded: 'overloaded',
  slow_down: 'overloaded',
  insufficient_quota: 'quota',
  usage_not_included: 'quota',
};

const NAMES = {
  fields: ['code'],
  fallback: 'server_error',
  blame: (name: string) => BLAME[name] ?? (name.startsWith('invalid_') ? 'request' : 'error'),
} as const;

function failure(value: unknown): StreamError {
  return streamErrorOf(value, NAMES);
}
