// Many short deadlines of one length, kept by one timer. A request step that waits on Redis registers here
// instead of arming a timer of its own: a Timeout, a deadline promise and a race per step were a measurable
// part of what each request allocated. Deadlines of one length expire in the order they were set, so a sweep
// stops at the first one still running. One fires at most a quarter of its length late.

export interface Deadline {
  readonly at: number;
  readonly expire: () => void;
}

export class Deadlines {
  /** In the order set, which is the order they expire in (a Set keeps insertion order). */
  private readonly pending = new Set<Deadline>();
  private timer: NodeJS.Timeout | undefined;
  private readonly sweepMs: number;

  constructor(
    private readonly ms: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.sweepMs = Math.max(1, Math.ceil(ms / 4));
  }

  /** Calls `expire` once the deadline has passed, unless cancelled first. */
  add(expire: () => void): Deadline {
    const deadline: Deadline = { at: this.now() + this.ms, expire };
    this.pending.add(deadline);
    // Armed only while something waits: an idle process keeps no timer running.
    this.timer ??= setInterval(() => this.sweep(), this.sweepMs);
    return deadline;
  }

  cancel(deadline: Deadline): void {
    this.pending.delete(deadline);
  }

  /** How many deadlines are still running (tests, shutdown). */
  get size(): number {
    return this.pending.size;
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private sweep(): void {
    const now = this.now();
    for (const deadline of this.pending) {
      if (deadline.at > now) break;
      this.pending.delete(deadline);
      deadline.expire();
    }
    if (this.pending.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
