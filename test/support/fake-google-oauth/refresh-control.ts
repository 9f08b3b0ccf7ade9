// The fake Google OAuth server's refresh controls: a gate that holds refreshes until released, and the queue of
// injected refresh failures.
import type { GoogleRefreshFailure, GoogleRefreshGate } from './types.js';

export class RefreshControl {
  private readonly failures: GoogleRefreshFailure[] = [];
  private gate: { opened: Promise<void>; open: () => void; arrive: () => void } | undefined;

  /** Refreshes wait at the gate until `release()`. */
  hold(): GoogleRefreshGate {
    let open = () => {};
    let arrive = () => {};
    const opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    const arrived = new Promise<void>((resolve) => {
      arrive = resolve;
    });
    this.gate = { opened, open, arrive };
    return {
      arrived,
      release: () => {
        this.gate = undefined;
        open();
      },
    };
  }

  /** Waits at the gate, if one is held. */
  async pass(): Promise<void> {
    const held = this.gate;
    if (held) {
      held.arrive();
      await held.opened;
    }
  }

  failNext(failure: GoogleRefreshFailure): void {
    this.failures.push(failure);
  }

  /** The next injected failure, consumed. */
  nextFailure(): GoogleRefreshFailure | undefined {
    return this.failures.shift();
  }

  /** Lets every held refresh through (on close). */
  openGate(): void {
    this.gate?.open();
  }
}
