// The soak's load: the bench's four modes at once, one autocannon instance each, sharing the connections.
import autocannon from 'autocannon';
import { autocannonOptions, MODES, type Mode } from './load.js';

/** Responses and failures one mode has seen since its load started. */
export interface ModeCounts {
  responses: number;
  non2xx: number;
  /** Connection errors and timeouts (autocannon's `reqError`). */
  errors: number;
}

/** What one mode's autocannon instance reported when it stopped. */
export interface ModeTotals {
  connections: number;
  /** Requests written to a connection, answered or not. */
  sent: number;
  responses: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Whole milliseconds, from autocannon's histogram. */
  latencyMs: { p50: number; p99: number; max: number };
}

export interface MixedLoad {
  /** Running counts per mode, updated on every response; the sampler reads and diffs them. */
  counts: Record<Mode, ModeCounts>;
  /** Settles with every mode's totals once all four instances have stopped. */
  done: Promise<Record<Mode, ModeTotals>>;
  /** Stops every instance now (on a failure elsewhere); `done` then settles with what they had. */
  stop(): void;
}

/** A record with one value per mode. */
export function byMode<T>(make: (mode: Mode, index: number) => T): Record<Mode, T> {
  return Object.fromEntries(MODES.map((mode, index) => [mode, make(mode, index)])) as Record<Mode, T>;
}

/** `total` connections over `parts` loads as evenly as possible, the larger shares first (50 → 13,13,12,12). */
export function splitConnections(total: number, parts: number): number[] {
  return Array.from(
    { length: parts },
    (_, index) => Math.floor(total / parts) + (index < total % parts ? 1 : 0),
  );
}

export function startMixedLoad(spec: {
  baseUrl: string;
  connections: number;
  durationSec: number;
  headers: Record<string, string>;
}): MixedLoad {
  if (spec.connections < MODES.length)
    throw new Error(`a mixed load needs at least ${MODES.length} connections, one per mode`);
  const shares = splitConnections(spec.connections, MODES.length);
  const counts = byMode((): ModeCounts => ({ responses: 0, non2xx: 0, errors: 0 }));
  const instances: autocannon.Instance[] = [];
  const runs = MODES.map((mode, index) => {
    const connections = shares[index] ?? 0;
    const mine = counts[mode];
    return new Promise<[Mode, ModeTotals]>((resolve, reject) => {
      const instance = autocannon(
        autocannonOptions({ ...spec, mode, connections }),
        (error: unknown, result) => {
          if (error) reject(error instanceof Error ? error : new Error(String(error)));
          else resolve([mode, totals(result, connections)]);
        },
      );
      instances.push(instance);
      // Two integer increments per response: the per-minute figures cost the bench next to nothing, unlike
      // keeping every latency as the scenario runs do.
      instance.on('response', (_client, statusCode) => {
        mine.responses += 1;
        if (statusCode < 200 || statusCode >= 300) mine.non2xx += 1;
      });
      instance.on('reqError', () => {
        mine.errors += 1;
      });
    });
  });
  return {
    counts,
    done: Promise.all(runs).then((entries) => Object.fromEntries(entries) as Record<Mode, ModeTotals>),
    stop: () => {
      for (const instance of instances) instance.stop();
    },
  };
}

function totals(result: autocannon.Result, connections: number): ModeTotals {
  return {
    connections,
    sent: result.requests.sent,
    responses: result.requests.total,
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
  };
}
