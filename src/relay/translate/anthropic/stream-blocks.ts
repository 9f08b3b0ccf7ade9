// Content blocks on an Anthropic stream, one open at a time and indexed in order, as Anthropic clients read
// them (the SDK applies each delta to the block at its index and streams into the last one). Upstreams that
// interleave blocks (parallel tool calls whose arguments alternate) are serialised: a block started while
// another is open waits, its deltas held, until the open one ends. Only such interleaving is ever held.
import { anthropicToolId } from './tool-ids.js';

export type BlockKind = 'text' | 'thinking' | 'redacted_thinking' | 'tool_use';

export interface BlockOpening {
  id: string;
  kind: BlockKind;
  /** The tool's name (tool_use) or the hidden reasoning (redacted_thinking). */
  name?: string;
  data?: string;
}

interface Block extends BlockOpening {
  index: number;
  held: Record<string, unknown>[];
  ended: boolean;
  signature?: string;
}

export type EmitEvent = (event: string, data: Record<string, unknown>) => void;

function contentBlock(block: BlockOpening): Record<string, unknown> {
  switch (block.kind) {
    case 'text':
      return { type: 'text', text: '' };
    case 'thinking':
      return { type: 'thinking', thinking: '', signature: '' };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: block.data ?? '' };
    case 'tool_use':
      return { type: 'tool_use', id: anthropicToolId(block.id), name: block.name ?? '', input: {} };
    default: {
      const unknown: never = block.kind;
      return unknown;
    }
  }
}

export class StreamBlocks {
  private nextIndex = 0;
  private open: Block | undefined;
  private readonly waiting: Block[] = [];

  constructor(private readonly emit: EmitEvent) {}

  start(opening: BlockOpening): void {
    const block: Block = { ...opening, index: -1, held: [], ended: false };
    if (this.open) this.waiting.push(block);
    else this.begin(block);
  }

  /** A delta for the block `id` (the wire `delta` object); dropped for a block that is not open. */
  delta(id: string, delta: Record<string, unknown>): void {
    if (this.open?.id === id) {
      this.emit('content_block_delta', { type: 'content_block_delta', index: this.open.index, delta });
      return;
    }
    this.waiting.find((block) => block.id === id && !block.ended)?.held.push(delta);
  }

  /** The block `id` ends; thinking's signature goes out as its last delta, as the API sends it. */
  end(id: string, signature?: string): void {
    const block = this.open?.id === id ? this.open : this.waiting.find((waiting) => waiting.id === id);
    if (!block || block.ended) return;
    block.ended = true;
    if (signature !== undefined) block.signature = signature;
    if (block === this.open) this.finishOpen();
  }

  /** Ends every block still open or waiting, in order (a stream that ends mid-block). */
  closeAll(): void {
    while (this.open) {
      this.open.ended = true;
      this.finishOpen();
    }
  }

  private begin(block: Block): void {
    block.index = this.nextIndex;
    this.nextIndex += 1;
    this.open = block;
    this.emit('content_block_start', {
      type: 'content_block_start',
      index: block.index,
      content_block: contentBlock(block),
    });
    for (const delta of block.held) {
      this.emit('content_block_delta', { type: 'content_block_delta', index: block.index, delta });
    }
    block.held = [];
    if (block.ended) this.finishOpen();
  }

  private finishOpen(): void {
    const block = this.open;
    if (!block) return;
    if (block.kind === 'thinking' && block.signature) {
      this.emit('content_block_delta', {
        type: 'content_block_delta',
        index: block.index,
        delta: { type: 'signature_delta', signature: block.signature },
      });
    }
    this.emit('content_block_stop', { type: 'content_block_stop', index: block.index });
    this.open = undefined;
    const next = this.waiting.shift();
    if (next) this.begin(next);
  }
}
