// The output items of a Responses stream being encoded: each canonical block opens an item (its
// `output_item.added` and, for text, `content_part.added`), streams its deltas and closes with the `.done`
// events a client rebuilds the item from. Items interleave freely; every event names its item and index.
import type { AnswerContext } from '../translator.js';
import { callItem, type ItemStatus, itemId, messageItem, outputText, reasoningItem } from './output-items.js';
import type { ClientToolName } from './tool-names.js';
import { freeformInput } from './tool-names.js';

interface OpenItem {
  kind: 'message' | 'reasoning' | 'call';
  index: number;
  id: string;
  /** The text, summary or arguments so far: the `.done` events and the final response repeat it. */
  text: string;
  /** A reasoning item's summary part has been announced. */
  partOpen: boolean;
  callId: string;
  name: string;
  redacted: string | undefined;
  client: ClientToolName | undefined;
}

export class StreamOutput {
  sequence = 0;
  /** Every item by output index, and the final form of those closed. */
  private readonly items: OpenItem[] = [];
  private readonly finals = new Map<number, Record<string, unknown>>();
  private readonly open = new Map<string, OpenItem>();

  constructor(
    private readonly context: AnswerContext,
    private readonly names: Map<string, ClientToolName>,
  ) {}

  event(type: string, fields: Record<string, unknown>): string {
    const data = { type, sequence_number: this.sequence, ...fields };
    this.sequence += 1;
    return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
  }

  /** Every item as the final response lists it; items still open as they stand. */
  output(): Record<string, unknown>[] {
    return this.items.map((item) => this.finals.get(item.index) ?? this.render(item, 'in_progress'));
  }

  /** The block's open item, opening it (a delta before its start opens it too). */
  start(
    blockId: string,
    kind: OpenItem['kind'],
    name = '',
    redacted?: string,
  ): { item: OpenItem; events: string } {
    const known = this.open.get(blockId);
    if (known) return { item: known, events: '' };
    const index = this.items.length;
    const client = kind === 'call' ? this.names.get(name) : undefined;
    const prefix =
      kind === 'message' ? 'msg' : kind === 'reasoning' ? 'rs' : client?.kind === 'custom' ? 'ctc' : 'fc';
    const item: OpenItem = {
      kind,
      index,
      id: itemId(prefix, this.context, index),
      text: '',
      partOpen: false,
      callId: blockId,
      name,
      redacted,
      client,
    };
    this.items.push(item);
    this.open.set(blockId, item);
    // A message's text part is announced by its own event, after the item.
    const added =
      kind === 'message'
        ? { ...messageItem(item.id, '', 'in_progress'), content: [] }
        : this.render(item, 'in_progress');
    let events = this.event('response.output_item.added', { output_index: index, item: added });
    if (kind === 'message') {
      const part = outputText('');
      events += this.event('response.content_part.added', { ...this.at(item), content_index: 0, part });
    }
    return { item, events };
  }

  delta(blockId: string, kind: OpenItem['kind'], delta: string): string {
    const { item, events } = this.start(blockId, kind);
    if (delta === '' || item.kind !== kind) return events;
    item.text += delta;
    switch (item.kind) {
      case 'message':
        return (
          events +
          this.event('response.output_text.delta', {
            ...this.at(item),
            content_index: 0,
            delta,
            logprobs: [],
          })
        );
      case 'reasoning': {
        const part = this.summaryPart(item);
        return `${events}${part}${this.event('response.reasoning_summary_text.delta', { ...this.at(item), summary_index: 0, delta })}`;
      }
      case 'call':
        // A freeform call's text is known only once its arguments are whole.
        if (item.client?.kind === 'custom') return events;
        return events + this.event('response.function_call_arguments.delta', { ...this.at(item), delta });
    }
  }

  close(blockId: string, status: ItemStatus, signature?: string): string {
    const item = this.open.get(blockId);
    if (!item) return '';
    this.open.delete(blockId);
    let events = '';
    const at = this.at(item);
    if (item.kind === 'message') {
      events += this.event('response.output_text.done', {
        ...at,
        content_index: 0,
        text: item.text,
        logprobs: [],
      });
      events += this.event('response.content_part.done', {
        ...at,
        content_index: 0,
        part: outputText(item.text),
      });
    } else if (item.kind === 'reasoning' && item.partOpen) {
      const part = { type: 'summary_text', text: item.text };
      events += this.event('response.reasoning_summary_text.done', {
        ...at,
        summary_index: 0,
        text: item.text,
      });
      events += this.event('response.reasoning_summary_part.done', { ...at, summary_index: 0, part });
    } else if (item.kind === 'call' && item.client?.kind === 'custom') {
      const input = freeformInput(item.text);
      if (input !== '')
        events += this.event('response.custom_tool_call_input.delta', { ...at, delta: input });
      events += this.event('response.custom_tool_call_input.done', { ...at, input });
    } else if (item.kind === 'call') {
      events += this.event('response.function_call_arguments.done', { ...at, arguments: item.text });
    }
    const done = this.render(item, status, signature);
    this.finals.set(item.index, done);
    return events + this.event('response.output_item.done', { output_index: item.index, item: done });
  }

  /** Closes every open item, in the order they opened. */
  closeAll(status: ItemStatus): string {
    let events = '';
    for (const blockId of [...this.open.keys()]) events += this.close(blockId, status);
    return events;
  }

  private summaryPart(item: OpenItem): string {
    if (item.partOpen) return '';
    item.partOpen = true;
    const part = { type: 'summary_text', text: '' };
    return this.event('response.reasoning_summary_part.added', { ...this.at(item), summary_index: 0, part });
  }

  private at(item: OpenItem): { item_id: string; output_index: number } {
    return { item_id: item.id, output_index: item.index };
  }

  private render(item: OpenItem, status: ItemStatus, signature?: string): Record<string, unknown> {
    switch (item.kind) {
      case 'message':
        return messageItem(item.id, item.text, status);
      case 'reasoning':
        return reasoningItem(item.id, item.text, signature, item.redacted);
      case 'call':
        return callItem(item.id, item.callId, item.name, item.text, status, item.client);
    }
  }
}
