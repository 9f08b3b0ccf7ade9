// A bounded queue read as an async iterator, one per live subscription: a reader that falls behind costs a
// fixed amount of memory, because overflow drops the oldest item (or merges, for coalescing streams).

export interface LiveQueueOptions<T extends object, Out> {
  /** Items held for a reader that is not reading; at least 1. */
  capacity: number;
  /** What the reader gets for an item, told how many items were dropped since its previous read. */
  deliver: (item: T, dropped: number) => Out;
  /** When set, a full queue folds the new item into its newest one instead of dropping the oldest. */
  merge?: (older: T, newer: T) => T;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

export class LiveQueue<T extends object, Out> implements AsyncIterableIterator<Out> {
  private items: T[] = [];
  private dropped = 0;
  /** Reads waiting for the next item. */
  private readonly readers: Array<(result: IteratorResult<Out, undefined>) => void> = [];
  private readonly endCallbacks: Array<() => void> = [];
  private isEnded = false;

  constructor(private readonly options: LiveQueueOptions<T, Out>) {}

  /** Items waiting to be read. */
  get size(): number {
    return this.items.length;
  }

  get ended(): boolean {
    return this.isEnded;
  }

  /** Runs once when the stream ends, whoever ends it (unsubscribe, clear timers). */
  onEnd(callback: () => void): void {
    if (this.isEnded) callback();
    else this.endCallbacks.push(callback);
  }

  push(item: T): void {
    if (this.isEnded) return;
    const reader = this.readers.shift();
    if (reader) {
      reader({ done: false, value: this.deliver(item) });
      return;
    }
    if (this.items.length >= this.options.capacity) {
      const { merge } = this.options;
      const newest = this.items[this.items.length - 1];
      if (merge && newest !== undefined) {
        this.items[this.items.length - 1] = merge(newest, item);
        return;
      }
      this.items.shift();
      this.dropped += 1;
    }
    this.items.push(item);
  }

  next(): Promise<IteratorResult<Out, undefined>> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve({ done: false, value: this.deliver(item) });
    if (this.isEnded) return Promise.resolve(DONE);
    return new Promise((resolve) => this.readers.push(resolve));
  }

  /** The reader is done (the client unsubscribed or went away). */
  return(): Promise<IteratorResult<Out, undefined>> {
    this.end();
    return Promise.resolve(DONE);
  }

  /** Ends the stream: waiting reads finish, queued items are let go, later pushes are ignored. */
  end(): void {
    if (this.isEnded) return;
    this.isEnded = true;
    this.items = [];
    for (const reader of this.readers.splice(0)) reader(DONE);
    for (const callback of this.endCallbacks.splice(0)) callback();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private deliver(item: T): Out {
    const dropped = this.dropped;
    this.dropped = 0;
    return this.options.deliver(item, dropped);
  }
}
