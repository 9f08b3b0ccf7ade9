// Keeps the request log, the in-flight counters and the event-based waiters built on them.
import type { RecordedRequest } from './types.js';

interface CountWaiter {
  count: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

interface IdleWaiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

export class Recorder {
  readonly requests: RecordedRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private countWaiters: CountWaiter[] = [];
  private idleWaiters: IdleWaiter[] = [];
  private closedError: Error | undefined;

  opened(): void {
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
  }

  finished(): void {
    this.inFlight--;
    if (this.inFlight === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w.resolve();
    }
  }

  push(record: RecordedRequest): void {
    this.requests.push(record);
    if (this.countWaiters.length === 0) return;
    const length = this.requests.length;
    const still: CountWaiter[] = [];
    for (const w of this.countWaiters) {
      if (length >= w.count) w.resolve();
      else still.push(w);
    }
    this.countWaiters = still;
  }

  waitForRequests(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      this.countWaiters.push({ count, resolve, reject });
    });
  }

  waitForIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      this.idleWaiters.push({ resolve, reject });
    });
  }

  /** Clears the log and the high-water mark (open requests keep counting). */
  reset(): void {
    this.requests.length = 0;
    this.maxInFlight = this.inFlight;
  }

  /** Rejects every pending waiter: the server is gone, they can never resolve. */
  close(): void {
    this.closedError = new Error('fake upstream closed');
    for (const w of this.countWaiters) w.reject(this.closedError);
    this.countWaiters = [];
    if (this.inFlight !== 0) {
      for (const w of this.idleWaiters) w.reject(this.closedError);
      this.idleWaiters = [];
    }
  }
}
