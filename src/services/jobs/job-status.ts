// How a background job reports itself to system status and `/ready`: when it last ran, how long it took,
// whether it succeeded, and whether this instance leads it.

export interface JobStatus {
  name: string;
  /** Whether this instance runs it now (leader-elected jobs run on one instance at a time). */
  active: boolean;
  /** The last pass that started, finished without error, and how long the last pass took; ms since the epoch. */
  lastRunAt: number | undefined;
  lastSuccessAt: number | undefined;
  lastDurationMs: number | undefined;
  /** The last failure's message, cleared by the next success. */
  lastError: string | undefined;
  /** Failed passes since start. */
  errors: number;
}

/** Keeps a job's status as its passes start and end. */
export class JobTracker {
  private lastRunAt: number | undefined;
  private lastSuccessAt: number | undefined;
  private lastDurationMs: number | undefined;
  private lastError: string | undefined;
  private errors = 0;

  constructor(
    readonly name: string,
    private readonly isActive: () => boolean,
  ) {}

  /** Runs one pass, recording its time and result; the pass's own error is rethrown. */
  async pass<T>(run: () => Promise<T>): Promise<T> {
    const started = Date.now();
    this.lastRunAt = started;
    try {
      const result = await run();
      this.lastSuccessAt = Date.now();
      this.lastDurationMs = this.lastSuccessAt - started;
      this.lastError = undefined;
      return result;
    } catch (error) {
      this.lastDurationMs = Date.now() - started;
      this.lastError = error instanceof Error ? error.message : String(error);
      this.errors += 1;
      throw error;
    }
  }

  status(): JobStatus {
    return {
      name: this.name,
      active: this.isActive(),
      lastRunAt: this.lastRunAt,
      lastSuccessAt: this.lastSuccessAt,
      lastDurationMs: this.lastDurationMs,
      lastError: this.lastError,
      errors: this.errors,
    };
  }
}
