// One event-bus subscription per topic per instance, shared by every local listener: subscribed for the first
// listener, dropped after the last, and each message decoded once however many listeners hear it.
import type { EventBus } from '../events/event-bus.js';

export type FanoutListener<T> = (items: readonly T[]) => void;

export class TopicFanout<T> {
  private readonly listeners = new Set<FanoutListener<T>>();
  /** The bus subscription while anyone listens; a promise, so listeners added while it starts share it. */
  private subscription: Promise<() => Promise<void>> | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly topic: string,
    private readonly decode: (message: string) => T[],
    private readonly onError: (error: unknown) => void,
  ) {}

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Resolves once the subscription is in place (later messages reach the listener), with its remover. */
  async add(listener: FanoutListener<T>): Promise<() => void> {
    this.listeners.add(listener);
    this.subscription ??= this.bus.subscribe(this.topic, { onMessage: (message) => this.dispatch(message) });
    try {
      await this.subscription;
    } catch (error) {
      // Every listener waiting on the failed subscription fails with it; the last one clears it for a retry.
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.subscription = undefined;
      throw error;
    }
    return () => this.remove(listener);
  }

  private remove(listener: FanoutListener<T>): void {
    if (!this.listeners.delete(listener) || this.listeners.size > 0) return;
    const subscription = this.subscription;
    this.subscription = undefined;
    // Not awaited: the last reader leaving must not wait on Redis, and a new first listener subscribes anew
    // (the bus orders the UNSUBSCRIBE before its SUBSCRIBE on the one subscriber connection).
    void subscription?.then((unsubscribe) => unsubscribe()).catch(this.onError);
  }

  private dispatch(message: string): void {
    if (this.listeners.size === 0) return;
    const items = this.decode(message);
    if (items.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(items);
      } catch (error) {
        // One failing listener must not starve the others.
        this.onError(error);
      }
    }
  }
}
