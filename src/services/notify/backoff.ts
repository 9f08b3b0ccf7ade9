// Retry timing of deliveries: exponential backoff with full jitter, so receivers that failed together are not
// retried together (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).

export interface BackoffSettings {
  /** The first retry waits up to this long, ms. */
  baseMs: number;
  /** No retry waits longer than this, ms. */
  capMs: number;
  /** Attempts in all, the first included; after the last failure the delivery is `failed`. */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = { baseMs: 1_000, capMs: 300_000, maxAttempts: 8 };

/**
 * The wait after failed attempt `attempt` (1-based): uniform in [0, min(cap, base · 2^(attempt-1))], but never
 * shorter than a receiver's `retry-after` (itself capped).
 */
export function retryDelay(
  attempt: number,
  settings: BackoffSettings,
  random: () => number,
  retryAfterMs?: number,
): number {
  const ceiling = Math.min(settings.capMs, settings.baseMs * 2 ** Math.min(attempt - 1, 30));
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs === undefined ? jittered : Math.max(jittered, Math.min(retryAfterMs, settings.capMs));
}
