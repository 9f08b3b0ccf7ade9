// Incremental encoder: canonical stream parts → the Chat Completions SSE stream the openai SDK reads: one
// `chat.completion.chunk` per delta (role first), the finish reason on the last choice chunk, the usage chunk
// (`choices: []`) when the client asked for it, then `data: [DONE]`. An error ends the stream as a data
// chunk holding `error`, with no `[DONE]` after it, as OpenAI's own streams end.
import { AppError } from '../../../errors/app-error.js';
import { assertNever } from '../../../lib/assert-never.js';
import type { StreamPart } from '../../canonical/response.js';
import type { CanonicalUsage } from '../../canonical/usage.js';
import { record } from '../../formats/json-values.js';
import { chatErrors } from '../../formats/openai-chat/errors.js';
import type { AnswerContext, StreamEncoder } from '../translator.js';
import { type ChatFinishReason, chatFinishOf } from './finish-reason.js';
import { chatUsageOf } from './usage.js';

const DONE = 'data: [DONE]\n\n';

interface ToolCall {
  id: string;
  name: string;
  /** Argument pieces held while another call is being streamed. */
  held: string;
  ended: boolean;
  /** Its index in the choice's `tool_calls`, once it went out. */
  index?: number;
}

export class ChatStreamEncoder implements StreamEncoder {
  private id: string;
  /** The client's `stream_options.include_usage`: only then does a Chat stream carry a usage chunk. */
  private readonly includeUsage: boolean;
  private sentAny = false;
  private closed = false;
  private usage: CanonicalUsage | undefined;
  private readonly toolCalls = new Map<string, ToolCall>();
  /**
   * Chat streams one tool call at a time: the SDK takes a call as done, and parses its arguments, as soon as
   * another index appears. Calls an upstream streams side by side wait here, in the order they started, for
   * the one being streamed to end.
   */
  private readonly waiting: ToolCall[] = [];
  private streaming: ToolCall | undefined;
  private emittedCalls = 0;

  constructor(private readonly context: AnswerContext) {
    this.id = `chatcmpl-${context.requestId}`;
    this.includeUsage = record(context.request.hints.stream_options)?.include_usage === true;
  }

  write(parts: readonly StreamPart[]): string {
    let out = '';
    for (const part of parts) {
      if (this.closed) break;
      out += this.encode(part);
    }
    return out;
  }

  end(): string {
    if (this.closed) return '';
    const calls = this.flushToolCalls();
    this.closed = true;
    const usage = this.includeUsage && this.usage ? this.frame([], { usage: chatUsageOf(this.usage) }) : '';
    return calls + usage + DONE;
  }

  fail(error: AppError): string {
    if (this.closed) return '';
    this.closed = true;
    return chatErrors.streamFrame(error, this.context.requestId);
  }

  private encode(part: StreamPart): string {
    switch (part.type) {
      case 'start':
        // Every chunk of a completion carries one id: the upstream's, when it gives one before any went out.
        if (part.id && !this.sentAny) this.id = part.id;
        return this.sentAny ? '' : this.choice({ content: '', refusal: null });
      case 'text-delta':
        return part.delta === '' ? '' : this.choice({ content: part.delta });
      case 'reasoning-delta':
        // DeepSeek's field, which compatible clients read and the openai SDK keeps without complaint. Signatures
        // and redacted reasoning have no Chat form: they are the upstream's to check, not the client's.
        return part.delta === '' ? '' : this.choice({ reasoning_content: part.delta });
      case 'tool-call-start': {
        const call: ToolCall = { id: part.id, name: part.name, held: '', ended: false };
        this.toolCalls.set(part.id, call);
        this.waiting.push(call);
        return this.streaming ? '' : this.nextToolCalls();
      }
      case 'tool-call-delta': {
        const call = this.toolCalls.get(part.id);
        if (!call || call.ended || part.delta === '') return '';
        if (call !== this.streaming) {
          call.held += part.delta;
          return '';
        }
        return this.choice({ tool_calls: [{ index: call.index, function: { arguments: part.delta } }] });
      }
      case 'tool-call-end': {
        const call = this.toolCalls.get(part.id);
        if (!call) return '';
        call.ended = true;
        if (call !== this.streaming) return '';
        this.streaming = undefined;
        return this.nextToolCalls();
      }
      case 'usage':
        this.usage = part.usage;
        return '';
      case 'finish':
        return this.flushToolCalls() + this.choice({}, chatFinishOf(part.reason, this.toolCalls.size > 0));
      case 'error': {
        const error = new AppError('upstream_error', part.error.message, { clientType: part.error.type });
        return this.fail(error);
      }
      case 'text-start':
      case 'text-end':
      case 'reasoning-start':
      case 'reasoning-end':
        // Chat has no block boundaries: a block is the run of its deltas.
        return '';
      default:
        return assertNever(part);
    }
  }

  /** Sends waiting calls, each whole with what it held, until one is still open: that one streams on. */
  private nextToolCalls(): string {
    let out = '';
    while (!this.streaming) {
      const call = this.waiting.shift();
      if (!call) break;
      call.index = this.emittedCalls++;
      const start = {
        index: call.index,
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: '' },
      };
      out += this.choice({ tool_calls: [start] });
      if (call.held !== '') {
        out += this.choice({ tool_calls: [{ index: call.index, function: { arguments: call.held } }] });
        call.held = '';
      }
      if (!call.ended) this.streaming = call;
    }
    return out;
  }

  /** The answer is over: every call still waiting goes out now, ahead of the finish. */
  private flushToolCalls(): string {
    let out = '';
    while (this.streaming || this.waiting.length > 0) {
      this.streaming = undefined;
      out += this.nextToolCalls();
    }
    return out;
  }

  /** A choice chunk; the first one names the role, which the SDK requires of every answer. */
  private choice(delta: Record<string, unknown>, finish: ChatFinishReason | null = null): string {
    const first = this.sentAny ? {} : { role: 'assistant' };
    return this.frame([{ index: 0, delta: { ...first, ...delta }, logprobs: null, finish_reason: finish }]);
  }

  private frame(choices: unknown[], extra: Record<string, unknown> = {}): string {
    this.sentAny = true;
    const chunk = {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.context.created,
      model: this.context.model,
      choices,
      // With include_usage, OpenAI sends `usage: null` on every chunk but the last.
      ...(this.includeUsage ? { usage: null } : {}),
      ...extra,
    };
    return `data: ${JSON.stringify(chunk)}\n\n`;
  }
}
