// Collects the items added during one turn of the event loop and flushes them together: requests that reach
// the same step at the same time share one Redis round trip instead of taking one each.

export class TurnBatch<T> {
  private items: T[] = [];
  private scheduled = false;
  private readonly flushing = new Set<Promise<void>>();

  constructor(private readonly flush: (items: T[]) => Promise<void>) {}

  add(item: T): void {
    this.items.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  /** Flushes what is queued now and waits for every flush still running (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.items.length > 0 || this.flushing.size > 0) {
      // Flushing here rather than waiting for the scheduled turn: awaiting nothing would spin without yielding.
      if (this.items.length > 0) this.run();
      await Promise.allSettled([...this.flushing]);
    }
  }

  private run(): void {
    this.scheduled = false;
    const items = this.items;
    this.items = [];
    if (items.length === 0) return;
    const flushing = this.flush(items);
    this.flushing.add(flushing);
    void flushing.finally(() => this.flushing.delete(flushing));
  }
}
