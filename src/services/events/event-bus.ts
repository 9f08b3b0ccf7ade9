// Redis pub/sub shared by every instance: publishes on the command connection, listens on one subscriber.
import type { RedisClient } from '../redis/connection.js';
import type { Keys } from '../redis/keys.js';
import { publishInOrder } from '../redis/slot-spanning.js';

export type EventHandler = (message: string) => void;

export interface EventBusListener {
  onMessage: EventHandler;
  /**
   * Called after the subscriber reconnected: messages sent while it was away are lost, so anything cached
   * on the strength of "we would have been told" must be dropped.
   */
  onResync?: () => void;
}

export class EventBus {
  private readonly listeners = new Map<string, Set<EventBusListener>>();

  constructor(
    private readonly publisher: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly keys: Keys,
  ) {
    subscriber.on('message', (channel: string, message: string) => {
      for (const listener of this.listeners.get(channel) ?? []) listener.onMessage(message);
    });
    let connectedOnce = subscriber.status === 'ready';
    subscriber.on('ready', () => {
      if (connectedOnce)
        for (const set of this.listeners.values()) for (const listener of set) listener.onResync?.();
      connectedOnce = true;
    });
  }

  async subscribe(topic: string, listener: EventBusListener): Promise<() => Promise<void>> {
    const channel = this.keys.channel(topic);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await this.subscriber.subscribe(channel);
    }
    set.add(listener);
    return async () => {
      set.delete(listener);
      if (set.size === 0) {
        this.listeners.delete(channel);
        await this.subscriber.unsubscribe(channel);
      }
    };
  }

  async publish(topic: string, message: string): Promise<void> {
    await publishInOrder(this.publisher, this.keys.channel(topic), message);
  }
}
