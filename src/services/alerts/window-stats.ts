// Sliding-window request statistics per subject (all traffic, one account, one model) for the error-rate and
// latency rules: time buckets of counts and a latency histogram, so a window's p95 costs a walk over a few
// dozen bins instead of keeping every request.

/** Latency bins' upper bounds, ms; a p95 is reported as the bound of the bin it falls in. */
export const LATENCY_BOUNDS_MS = [
  10,
  25,
  50,
  100,
  200,
  300,
  500,
  750,
  1000,
  1500,
  2000,
  3000,
  5000,
  7500,
  10_000,
  15_000,
  20_000,
  30_000,
  60_000,
  120_000,
  300_000,
  Number.POSITIVE_INFINITY,
];

/** A window is cut into this many buckets; older buckets fall off as time moves. */
const BUCKETS_PER_WINDOW = 30;

/** Subjects one rule tracks at most: a client naming random models must not grow memory without end. */
const MAX_SUBJECTS = 500;

interface Bucket {
  start: number;
  requests: number;
  errors: number;
  latency: Uint32Array;
}

export interface WindowSummary {
  requests: number;
  errors: number;
  /** Upper bound of the bin holding the 95th percentile latency; 0 without requests. */
  p95Ms: number;
}

export class WindowStats {
  private readonly subjects = new Map<string, Bucket[]>();
  private readonly bucketMs: number;

  constructor(private readonly windowMs: number) {
    this.bucketMs = Math.max(1000, Math.ceil(windowMs / BUCKETS_PER_WINDOW));
  }

  add(subject: string, at: number, error: boolean, latencyMs: number): void {
    let buckets = this.subjects.get(subject);
    if (!buckets) {
      if (this.subjects.size >= MAX_SUBJECTS) return;
      buckets = [];
      this.subjects.set(subject, buckets);
    }
    const start = at - (at % this.bucketMs);
    let bucket = buckets[buckets.length - 1];
    if (!bucket || bucket.start !== start) {
      bucket = { start, requests: 0, errors: 0, latency: new Uint32Array(LATENCY_BOUNDS_MS.length) };
      buckets.push(bucket);
    }
    bucket.requests += 1;
    if (error) bucket.errors += 1;
    const found = LATENCY_BOUNDS_MS.findIndex((bound) => latencyMs <= bound);
    const bin = found === -1 ? LATENCY_BOUNDS_MS.length - 1 : found;
    bucket.latency[bin] = (bucket.latency[bin] ?? 0) + 1;
  }

  /** Every subject with traffic in the window ending `now`; subjects without any are forgotten. */
  summaries(now: number): Map<string, WindowSummary> {
    const from = now - this.windowMs;
    const out = new Map<string, WindowSummary>();
    for (const [subject, buckets] of this.subjects) {
      while (buckets.length > 0 && (buckets[0]?.start ?? 0) + this.bucketMs <= from) buckets.shift();
      if (buckets.length === 0) {
        this.subjects.delete(subject);
        continue;
      }
      out.set(subject, summarise(buckets));
    }
    return out;
  }
}

function summarise(buckets: readonly Bucket[]): WindowSummary {
  let requests = 0;
  let errors = 0;
  const latency = new Array<number>(LATENCY_BOUNDS_MS.length).fill(0);
  for (const bucket of buckets) {
    requests += bucket.requests;
    errors += bucket.errors;
    bucket.latency.forEach((count, bin) => {
      latency[bin] = (latency[bin] ?? 0) + count;
    });
  }
  let p95Ms = 0;
  if (requests > 0) {
    const rank = Math.ceil(requests * 0.95);
    let seen = 0;
    for (const [bin, count] of latency.entries()) {
      seen += count;
      if (seen >= rank) {
        p95Ms = LATENCY_BOUNDS_MS[bin] ?? 0;
        break;
      }
    }
  }
  return { requests, errors, p95Ms };
}
