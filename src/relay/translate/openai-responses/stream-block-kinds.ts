// One decoded block of each kind: it emits its start at once, then deltas, and keeps the text it emitted so
// that a `.done` event or a whole item adds only what no delta carried (`remainder`).
import type { StreamPart } from '../../canonical/response.js';

type Emit = (part: StreamPart) => void;

/** What `full` adds to the text already emitted; nothing when it does not continue it. */
export function remainder(emitted: string, full: string): string {
  return full.startsWith(emitted) ? full.slice(emitted.length) : '';
}

/** One content part of a message (its text or refusal). */
export class TextBlock {
  private emitted = '';
  open = true;

  constructor(
    readonly id: string,
    private readonly emit: Emit,
  ) {
    emit({ type: 'text-start', id });
  }

  delta(piece: string): void {
    if (!this.open || piece === '') return;
    this.emitted += piece;
    this.emit({ type: 'text-delta', id: this.id, delta: piece });
  }

  text(full: string): void {
    this.delta(remainder(this.emitted, full));
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.emit({ type: 'text-end', id: this.id });
  }
}

/** A reasoning item: its summary parts, set off from each other by a blank line, as one text. */
export class ReasoningBlock {
  private emitted = '';
  private partText = '';
  private parts = 0;
  private separate = false;
  open = true;

  constructor(
    readonly id: string,
    private readonly emit: Emit,
  ) {
    emit({ type: 'reasoning-start', id });
  }

  newPart(): void {
    if (this.parts > 0) this.separate = true;
    this.parts += 1;
    this.partText = '';
  }

  delta(piece: string): void {
    if (!this.open || piece === '') return;
    const delta = this.separate && this.emitted !== '' ? `\n\n${piece}` : piece;
    this.separate = false;
    this.partText += piece;
    this.push(delta);
  }

  partDone(full: string): void {
    this.delta(remainder(this.partText, full));
  }

  /** Ends the block with the item's whole text (its parts already joined) and its proof. */
  finish(full: string, signature: string | undefined): void {
    if (!this.open) return;
    const rest = remainder(this.emitted, full);
    if (rest !== '') this.push(rest);
    this.open = false;
    this.emit({ type: 'reasoning-end', id: this.id, ...(signature === undefined ? {} : { signature }) });
  }

  private push(delta: string): void {
    this.emitted += delta;
    this.emit({ type: 'reasoning-delta', id: this.id, delta });
  }
}

/**
 * A function call, or a freeform call whose text streams as the `input` string of `{"input": …}`, escaped
 * piece by piece (JSON escapes each character alone, so the pieces join into the escaped whole).
 */
export class CallBlock {
  private emitted = '';
  open = true;

  constructor(
    readonly id: string,
    name: string,
    private readonly freeform: boolean,
    private readonly emit: Emit,
  ) {
    emit({ type: 'tool-call-start', id, name });
    if (freeform) emit({ type: 'tool-call-delta', id, delta: '{"input":"' });
  }

  delta(piece: string): void {
    if (!this.open || piece === '') return;
    this.emitted += piece;
    const delta = this.freeform ? JSON.stringify(piece).slice(1, -1) : piece;
    this.emit({ type: 'tool-call-delta', id: this.id, delta });
  }

  text(full: string): void {
    this.delta(remainder(this.emitted, full));
  }

  close(): void {
    if (!this.open) return;
    if (this.freeform) this.emit({ type: 'tool-call-delta', id: this.id, delta: '"}' });
    this.open = false;
    this.emit({ type: 'tool-call-end', id: this.id });
  }
}
