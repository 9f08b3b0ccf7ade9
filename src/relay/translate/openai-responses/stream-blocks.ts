// The blocks of a Responses stream being decoded, found by the item id (or output index) and content index
// each event names: message text parts, reasoning items and calls, in the order the upstream opened them.
import type { StreamPart } from '../../canonical/response.js';
import { field } from '../../formats/json-values.js';
import { reasoningText } from './response-to-canonical.js';
import { CallBlock, ReasoningBlock, TextBlock } from './stream-block-kinds.js';
import { qualifiedName } from './tool-names.js';

type Event = Record<string, unknown>;

export class StreamBlocks {
  private readonly items = new Map<string, ReasoningBlock | CallBlock>();
  private readonly texts = new Map<string, TextBlock>();
  private readonly idsByIndex = new Map<unknown, string>();

  constructor(private readonly emit: (part: StreamPart) => void) {}

  itemAdded(item: Event, outputIndex: unknown): void {
    const id = typeof item.id === 'string' ? item.id : `item_${String(outputIndex)}`;
    this.idsByIndex.set(outputIndex, id);
    if (item.type === 'reasoning') this.reasoning(id);
    else if (item.type === 'function_call' || item.type === 'custom_tool_call') this.call(id, item);
  }

  /** Ends the item's blocks with what the whole item adds; says what it was, for the finish reason. */
  itemDone(item: Event, outputIndex: unknown): 'message' | 'call' | undefined {
    const id = typeof item.id === 'string' ? item.id : this.itemId({ output_index: outputIndex });
    switch (item.type) {
      case 'message': {
        const content = Array.isArray(item.content) ? item.content : [];
        content.forEach((part, index) => {
          this.textPart(
            { item_id: id, content_index: index },
            field(part, 'text') ?? field(part, 'refusal'),
            true,
          );
        });
        return content.length > 0 ? 'message' : undefined;
      }
      case 'reasoning': {
        const signature = typeof item.encrypted_content === 'string' ? item.encrypted_content : undefined;
        this.reasoning(id).finish(reasoningText(item), signature);
        return undefined;
      }
      case 'function_call':
      case 'custom_tool_call': {
        const block = this.call(id, item);
        const full = item.type === 'custom_tool_call' ? item.input : item.arguments;
        if (typeof full === 'string') block.text(full);
        block.close();
        return 'call';
      }
      default:
        return undefined;
    }
  }

  textDelta(event: Event): void {
    if (typeof event.delta === 'string') this.text(event).delta(event.delta);
  }

  /** A part's full text so far (`content_part.added`, `output_text.done`…); `close` ends the part. */
  textPart(event: Event, full: unknown, close: boolean): void {
    const block = this.text(event);
    if (typeof full === 'string') block.text(full);
    if (close) block.close();
  }

  summaryPart(event: Event): void {
    this.reasoning(this.itemId(event)).newPart();
  }

  reasoningDelta(event: Event): void {
    if (typeof event.delta === 'string') this.reasoning(this.itemId(event)).delta(event.delta);
  }

  summaryDone(event: Event): void {
    if (typeof event.text === 'string') this.reasoning(this.itemId(event)).partDone(event.text);
  }

  callDelta(event: Event): void {
    const block = this.items.get(this.itemId(event));
    if (block instanceof CallBlock && typeof event.delta === 'string') block.delta(event.delta);
  }

  callText(event: Event, full: unknown): void {
    const block = this.items.get(this.itemId(event));
    if (block instanceof CallBlock && typeof full === 'string') block.text(full);
  }

  /** Ends every block still open, for a stream whose final event came before their `.done` events. */
  closeAll(): void {
    for (const block of this.texts.values()) block.close();
    for (const block of this.items.values()) {
      if (block instanceof CallBlock) block.close();
      else block.finish('', undefined);
    }
  }

  private itemId(event: Event): string {
    if (typeof event.item_id === 'string') return event.item_id;
    return this.idsByIndex.get(event.output_index) ?? `item_${String(event.output_index)}`;
  }

  /** A text block's id is its item's and its index in the item: `msg_…:0`. */
  private text(event: Event): TextBlock {
    const index = typeof event.content_index === 'number' ? event.content_index : 0;
    const id = `${this.itemId(event)}:${index}`;
    const known = this.texts.get(id);
    if (known) return known;
    const block = new TextBlock(id, this.emit);
    this.texts.set(id, block);
    return block;
  }

  private reasoning(id: string): ReasoningBlock {
    const known = this.items.get(id);
    if (known instanceof ReasoningBlock) return known;
    const block = new ReasoningBlock(id, this.emit);
    this.items.set(id, block);
    return block;
  }

  /** The item's call block, opened (with whatever arguments the item already carries) if it is new. */
  private call(itemId: string, item: Event): CallBlock {
    const known = this.items.get(itemId);
    if (known instanceof CallBlock) return known;
    const id = typeof item.call_id === 'string' ? item.call_id : itemId;
    const name = qualifiedName(typeof item.name === 'string' ? item.name : '', item.namespace);
    const freeform = item.type === 'custom_tool_call';
    const block = new CallBlock(id, name, freeform, this.emit);
    this.items.set(itemId, block);
    const initial = freeform ? item.input : item.arguments;
    if (typeof initial === 'string') block.delta(initial);
    return block;
  }
}
