// Canonical stream parts → an Anthropic Messages SSE stream, as the official SDK reads it: `message_start`,
// content blocks in index order, then `message_delta` (stop reason, cumulative usage) and `message_stop`.
// The stop reason and final usage go out when the stream ends, whichever order the upstream sent them in.
import type { AppError } from '../../../errors/app-error.js';
import type { FinishReason } from '../../canonical/finish-reason.js';
import type { CanonicalStreamError, StreamPart } from '../../canonical/response.js';
import { type CanonicalUsage, emptyUsage } from '../../canonical/usage.js';
import { anthropicErrors } from '../../formats/anthropic/errors.js';
import type { AnswerContext, StreamEncoder } from '../translator.js';
import { finishToAnthropic } from './finish-reason.js';
import { StreamBlocks } from './stream-blocks.js';
import { deltaUsageToAnthropic, usageToAnthropic } from './usage.js';
import { anthropicMessageId } from './wire.js';

/** The error types Anthropic clients know; another format's type reads as the generic one. */
const ERROR_TYPES = new Set([
  'invalid_request_error',
  'authentication_error',
  'billing_error',
  'permission_error',
  'not_found_error',
  'request_too_large',
  'rate_limit_error',
  'timeout_error',
  'api_error',
  'overloaded_error',
]);

function frame(event: string, data: Record<string, unknown>): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class AnthropicStreamEncoder implements StreamEncoder {
  private out = '';
  private closed = false;
  private started = false;
  private upstreamId: string | undefined;
  private usage: CanonicalUsage = emptyUsage();
  private finish: FinishReason | undefined;
  private readonly blocks = new StreamBlocks((event, data) => {
    this.out += frame(event, data);
  });

  constructor(private readonly context: AnswerContext) {}

  write(parts: readonly StreamPart[]): string {
    let sawStart = false;
    for (const part of parts) {
      if (this.closed) break;
      if (part.type === 'start') sawStart = true;
      this.apply(part);
    }
    // message_start waits for the usage that came with the start, so it can name the input at once.
    if (sawStart && !this.closed) this.begin();
    return this.take();
  }

  end(): string {
    if (this.closed) return '';
    this.begin();
    this.blocks.closeAll();
    const stopReason = this.finish ? finishToAnthropic(this.finish) : null;
    this.out += frame('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: deltaUsageToAnthropic(this.usage),
    });
    this.out += frame('message_stop', { type: 'message_stop' });
    this.closed = true;
    return this.take();
  }

  fail(error: AppError): string {
    if (this.closed) return '';
    this.closed = true;
    return this.take() + anthropicErrors.streamFrame(error, this.context.requestId);
  }

  private take(): string {
    const out = this.out;
    this.out = '';
    return out;
  }

  private begin(): void {
    if (this.started) return;
    this.started = true;
    this.out += frame('message_start', {
      type: 'message_start',
      message: {
        id: anthropicMessageId(this.upstreamId, this.context.requestId),
        type: 'message',
        role: 'assistant',
        model: this.context.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: usageToAnthropic(this.usage),
      },
    });
  }

  private fromUpstream(error: CanonicalStreamError): void {
    const type = ERROR_TYPES.has(error.type) ? error.type : 'api_error';
    this.out += frame('error', { type: 'error', error: { type, message: error.message } });
    this.closed = true;
  }

  private apply(part: StreamPart): void {
    switch (part.type) {
      case 'start':
        this.upstreamId = part.id;
        break;
      case 'usage':
        this.usage = part.usage;
        break;
      case 'finish':
        this.finish = part.reason;
        break;
      case 'error':
        this.fromUpstream(part.error);
        break;
      case 'text-start':
        this.begin();
        this.blocks.start({ id: part.id, kind: 'text' });
        break;
      case 'text-delta':
        if (part.delta !== '') this.blocks.delta(part.id, { type: 'text_delta', text: part.delta });
        break;
      case 'reasoning-start':
        this.begin();
        this.blocks.start(
          part.redacted !== undefined
            ? { id: part.id, kind: 'redacted_thinking', data: part.redacted }
            : { id: part.id, kind: 'thinking' },
        );
        break;
      case 'reasoning-delta':
        if (part.delta !== '') this.blocks.delta(part.id, { type: 'thinking_delta', thinking: part.delta });
        break;
      case 'tool-call-start':
        this.begin();
        this.blocks.start({ id: part.id, kind: 'tool_use', name: part.name });
        break;
      case 'tool-call-delta':
        if (part.delta !== '')
          this.blocks.delta(part.id, { type: 'input_json_delta', partial_json: part.delta });
        break;
      case 'text-end':
      case 'tool-call-end':
        this.blocks.end(part.id);
        break;
      case 'reasoning-end':
        this.blocks.end(part.id, part.signature);
        break;
      default: {
        const unknown: never = part;
        throw new Error(`unknown stream part ${JSON.stringify(unknown)}`);
      }
    }
  }
}
