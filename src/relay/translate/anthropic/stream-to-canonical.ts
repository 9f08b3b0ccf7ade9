// An Anthropic Messages SSE stream → canonical stream parts, incrementally: bytes in any chunking, events
// parsed as they complete, one start/delta/end triple per content block in the upstream's order.
import type { CanonicalStreamError } from '../../canonical/response.js';
import { field, parseJson, record } from '../../formats/json-values.js';
import { SseStreamDecoder } from '../sse-decoder.js';
import { finishFromAnthropic } from './finish-reason.js';
import { AnthropicUsageState } from './usage.js';

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The upstream's `error` event as it named it. */
function streamError(payload: Record<string, unknown>): CanonicalStreamError {
  const type = field(payload.error, 'type');
  const message = field(payload.error, 'message');
  return {
    type: typeof type === 'string' ? type : 'api_error',
    message: typeof message === 'string' ? message : 'upstream stream error',
    raw: payload,
  };
}

interface OpenBlock {
  kind: 'text' | 'reasoning' | 'tool-call';
  id: string;
  /** Thinking's signature, which arrives as the block's last delta and goes out with its end. */
  signature?: string;
  /** Tool input as `content_block_start` gave it, for a call whose input never streamed. */
  input?: unknown;
  sawInput?: boolean;
}

export class AnthropicStreamDecoder extends SseStreamDecoder {
  private readonly blocks = new Map<number, OpenBlock>();
  private readonly usage = new AnthropicUsageState();

  protected onEvent(event: string, data: string): void {
    const payload = record(parseJson(data));
    if (!payload) return; // junk between events
    const type = typeof payload.type === 'string' ? payload.type : event;
    switch (type) {
      case 'message_start':
        this.onMessageStart(record(payload.message) ?? {});
        break;
      case 'content_block_start':
        this.startBlock(payload.index, record(payload.content_block));
        break;
      case 'content_block_delta':
        this.onDelta(payload.index, record(payload.delta));
        break;
      case 'content_block_stop':
        this.stopBlock(payload.index);
        break;
      case 'message_delta': {
        const delta = record(payload.delta);
        if (delta && 'stop_reason' in delta) {
          this.emit({ type: 'finish', reason: finishFromAnthropic(delta.stop_reason) });
        }
        this.onUsage(payload.usage);
        break;
      }
      case 'error':
        this.emit({ type: 'error', error: streamError(payload) });
        break;
      default:
        break; // ping, message_stop, and events this decoder does not know
    }
  }

  private onMessageStart(message: Record<string, unknown>): void {
    this.emit({
      type: 'start',
      id: typeof message.id === 'string' ? message.id : undefined,
      model: typeof message.model === 'string' ? message.model : undefined,
    });
    this.onUsage(message.usage);
    // A message may open with content already in it (a prefilled answer continued): whole blocks.
    if (Array.isArray(message.content)) {
      message.content.forEach((block, index) => {
        this.startBlock(index, record(block));
        this.stopBlock(index);
      });
    }
  }

  private onUsage(value: unknown): void {
    if (!record(value)) return;
    this.usage.merge(value);
    this.emit({ type: 'usage', usage: this.usage.current });
  }

  private startBlock(index: unknown, block: Record<string, unknown> | undefined): void {
    if (typeof index !== 'number' || !block) return;
    switch (block.type) {
      case 'text': {
        const id = `text-${index}`;
        this.blocks.set(index, { kind: 'text', id });
        this.emit({ type: 'text-start', id });
        const text = nonEmpty(block.text);
        if (text) this.emit({ type: 'text-delta', id, delta: text });
        return;
      }
      case 'thinking':
      case 'redacted_thinking': {
        const id = `reasoning-${index}`;
        const signature = nonEmpty(block.signature);
        this.blocks.set(index, { kind: 'reasoning', id, ...(signature ? { signature } : {}) });
        const redacted = block.type === 'redacted_thinking' ? { redacted: nonEmpty(block.data) ?? '' } : {};
        this.emit({ type: 'reasoning-start', id, ...redacted });
        const thinking = nonEmpty(block.thinking);
        if (thinking) this.emit({ type: 'reasoning-delta', id, delta: thinking });
        return;
      }
      case 'tool_use': {
        const id = typeof block.id === 'string' ? block.id : `tool-${index}`;
        this.blocks.set(index, { kind: 'tool-call', id, input: block.input });
        this.emit({ type: 'tool-call-start', id, name: nonEmpty(block.name) ?? '' });
        return;
      }
      default:
        // Server tools' calls and results are the provider's own work; the text around them says what came of it.
        return;
    }
  }

  private onDelta(index: unknown, delta: Record<string, unknown> | undefined): void {
    const block = typeof index === 'number' ? this.blocks.get(index) : undefined;
    if (!block || !delta) return;
    if (delta.type === 'text_delta' && block.kind === 'text' && typeof delta.text === 'string') {
      this.emit({ type: 'text-delta', id: block.id, delta: delta.text });
    } else if (
      delta.type === 'thinking_delta' &&
      block.kind === 'reasoning' &&
      typeof delta.thinking === 'string'
    ) {
      this.emit({ type: 'reasoning-delta', id: block.id, delta: delta.thinking });
    } else if (delta.type === 'signature_delta' && typeof delta.signature === 'string') {
      block.signature = delta.signature;
    } else if (delta.type === 'input_json_delta' && block.kind === 'tool-call') {
      const piece = delta.partial_json;
      if (typeof piece !== 'string' || piece === '') return;
      block.sawInput = true;
      this.emit({ type: 'tool-call-delta', id: block.id, delta: piece });
    }
    // citations_delta: citations have no canonical part; the text they cite streams as text.
  }

  private stopBlock(index: unknown): void {
    if (typeof index !== 'number') return;
    const block = this.blocks.get(index);
    if (!block) return;
    this.blocks.delete(index);
    switch (block.kind) {
      case 'text':
        this.emit({ type: 'text-end', id: block.id });
        return;
      case 'reasoning':
        this.emit({
          type: 'reasoning-end',
          id: block.id,
          ...(block.signature ? { signature: block.signature } : {}),
        });
        return;
      case 'tool-call':
        if (!block.sawInput) {
          // A call without arguments streams none (or only ""): its input is the object the start named.
          this.emit({
            type: 'tool-call-delta',
            id: block.id,
            delta: JSON.stringify(block.input ?? {}),
          });
        }
        this.emit({ type: 'tool-call-end', id: block.id });
        return;
      default: {
        const unknown: never = block.kind;
        throw new Error(`unknown block kind ${String(unknown)}`);
      }
    }
  }
}
