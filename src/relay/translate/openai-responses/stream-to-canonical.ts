// Decodes an upstream Responses stream into canonical parts, incrementally: SSE events in any chunking, one
// start/delta/end triple per output text part, reasoning item and call, in upstream order. A `.done` event or
// an item sent whole fills in what no delta carried; `error` and `response.failed` become an error part.
import type { StreamPart } from '../../canonical/response.js';
import { field, parseJson, record } from '../../formats/json-values.js';
import { SseStreamDecoder } from '../sse-decoder.js';
import { finishFromResponses, type OutputSummary } from './finish-reason.js';
import { itemParts } from './response-to-canonical.js';
import { StreamBlocks } from './stream-blocks.js';
import { usageFromResponses } from './usage.js';

export class ResponsesStreamDecoder extends SseStreamDecoder {
  private readonly blocks = new StreamBlocks((part) => this.emit(part));
  private readonly summary: OutputSummary = { endsInToolCall: false, refused: false };
  private started = false;
  private errored = false;
  private sawItem = false;

  /** Every part goes out after the answer's start, which a stream cut before `response.created` lacks. */
  protected override emit(...parts: StreamPart[]): void {
    for (const part of parts) {
      if (!this.started && part.type !== 'start') this.start(undefined);
      super.emit(part);
    }
  }

  private start(response: unknown): void {
    if (this.started) return;
    this.started = true;
    const id = field(response, 'id');
    const model = field(response, 'model');
    this.emit({
      type: 'start',
      id: typeof id === 'string' ? id : undefined,
      model: typeof model === 'string' ? model : undefined,
    });
  }

  protected onEvent(name: string, data: string): void {
    const event = record(parseJson(data));
    if (!event) return; // pings, `[DONE]` and junk
    const type = typeof event.type === 'string' ? event.type : name;
    const item = record(event.item);
    switch (type) {
      case 'response.created':
      case 'response.in_progress':
      case 'response.queued':
        this.start(event.response);
        return;
      case 'response.output_item.added':
        if (item) this.blocks.itemAdded(item, event.output_index);
        this.sawItem = true;
        return;
      case 'response.content_part.added':
        this.summary.refused ||= field(event.part, 'type') === 'refusal';
        this.blocks.textPart(event, textOf(event.part), false);
        return;
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        this.summary.refused ||= type === 'response.refusal.delta';
        this.blocks.textDelta(event);
        return;
      case 'response.output_text.done':
        this.blocks.textPart(event, event.text, false);
        return;
      case 'response.refusal.done':
        this.blocks.textPart(event, event.refusal, false);
        return;
      case 'response.content_part.done':
        this.blocks.textPart(event, textOf(event.part), true);
        return;
      case 'response.reasoning_summary_part.added':
        this.blocks.summaryPart(event);
        return;
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        this.blocks.reasoningDelta(event);
        return;
      case 'response.reasoning_summary_text.done':
        this.blocks.summaryDone(event);
        return;
      case 'response.function_call_arguments.delta':
      case 'response.custom_tool_call_input.delta':
        this.blocks.callDelta(event);
        return;
      case 'response.function_call_arguments.done':
        this.blocks.callText(event, event.arguments);
        return;
      case 'response.custom_tool_call_input.done':
        this.blocks.callText(event, event.input);
        return;
      case 'response.output_item.done':
        if (item) this.itemDone(item, event.output_index);
        return;
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed':
        this.finish(type, record(event.response));
        return;
      case 'error':
        this.error(event);
        return;
      default:
        return;
    }
  }

  private itemDone(item: Record<string, unknown>, outputIndex: unknown): void {
    this.sawItem = true;
    const kind = this.blocks.itemDone(item, outputIndex);
    if (item.type === 'message') {
      const content = Array.isArray(item.content) ? item.content : [];
      this.summary.refused ||= content.some((part) => field(part, 'type') === 'refusal');
    }
    if (kind === 'call') this.summary.endsInToolCall = true;
    else if (kind === 'message') this.summary.endsInToolCall = false;
  }

  private finish(type: string, response: Record<string, unknown> | undefined): void {
    this.start(response);
    // Some gateways send the answer only in the final response object.
    if (!this.sawItem && Array.isArray(response?.output)) {
      response.output.forEach((value, index) => {
        const item = record(value);
        if (item && itemParts(item, { endsInToolCall: false, refused: false }).length > 0)
          this.itemDone(item, index);
      });
    }
    this.blocks.closeAll();
    const usage = usageFromResponses(response?.usage);
    if (usage) this.emit({ type: 'usage', usage });
    if (type === 'response.failed' && !this.errored) this.error(response?.error ?? {});
    const status = typeof response?.status === 'string' ? response.status : type.slice('response.'.length);
    const reason = field(response?.incomplete_details, 'reason');
    this.emit({
      type: 'finish',
      reason: finishFromResponses(status, typeof reason === 'string' ? reason : undefined, this.summary),
    });
  }

  /** The API's `error` event nests its error (`{error:{type,code,message}}`); the SDK's type has it flat. */
  private error(event: unknown): void {
    this.errored = true;
    const error = record(field(event, 'error')) ?? record(event) ?? {};
    const type = [error.type, error.code].find((value) => typeof value === 'string' && value !== 'error');
    const message = typeof error.message === 'string' ? error.message : 'The upstream reported an error';
    this.emit({
      type: 'error',
      error: { type: typeof type === 'string' ? type : 'server_error', message, raw: event },
    });
  }
}

function textOf(part: unknown): unknown {
  return field(part, 'text') ?? field(part, 'refusal');
}
