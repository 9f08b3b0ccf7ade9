// The soak's figures per window, its flat-or-growing verdict, its lost-usage check, and their printed lines.
import { MODES, type Mode } from './load.js';
import type { ModeCounts, ModeTotals } from './soak-load.js';
import type { UsageSnapshot } from './soak-usage.js';
import type { WorkerHeap } from './worker-metrics.js';

/** Growth under this fraction, from the middle of the soak to its end, counts as flat. */
export const FLAT_BELOW = 0.05;

export interface SoakSample {
  /** Seconds into the measured load (0 for the idle sample before it, the soak's length for the one after). */
  atSec: number;
  /** The relay's whole process tree (primary and workers). */
  rssMb: number | undefined;
  workers: WorkerHeap[];
}

/**
 * One window's memory: the mean of its samples (heap: each worker's mean, summed). Sampled once a second, a
 * minute spans five to nine full collections, so the mean averages whole sawtooth cycles; V8 sets each next
 * trigger from what survived the last collection, so a leak lifts the mean as it lifts the floor. The floor
 * (the lowest sample) looked like the purer measure but is the noisier one: each collection leaves a different
 * amount behind. In a 10-minute trial the per-minute means of heap used stayed within 128–136 MB while
 * throughput swung between 1,260 and 2,220 req/s; the per-minute lowest samples ranged 51–60 MB (±8%), and
 * one such draw turned a flat run into a "growing" verdict. RSS follows the same rule.
 */
export interface WindowMemory {
  rssMb: number | undefined;
  heapUsedMb: number | undefined;
  heapTotalMb: number | undefined;
  /** The worker pids the heap figures add up (a replaced worker makes two windows incomparable). */
  workerPids: number[];
}

export interface SoakWindow {
  /** Nominal end of the window, seconds into the soak. */
  endSec: number;
  memory: WindowMemory;
  samples: SoakSample[];
  /** Responses, non-2xx and errors in the window, per mode. */
  counts: Record<Mode, ModeCounts>;
  /** Seconds the counts cover (between two readings of the counters, not quite the window's nominal length). */
  durationSec: number;
  /** All modes' responses per second. */
  reqPerSec: number;
  /** Percent of one core per process over the window; `bench` is this process (the load and the sampling). */
  cpu: Record<string, number>;
}

export function windowMemory(samples: readonly SoakSample[]): WindowMemory {
  const mean = (values: readonly number[]) =>
    values.length === 0 ? undefined : values.reduce((total, value) => total + value, 0) / values.length;
  const byWorker = new Map<number, WorkerHeap[]>();
  for (const sample of samples)
    for (const heap of sample.workers) byWorker.set(heap.pid, [...(byWorker.get(heap.pid) ?? []), heap]);
  const sum = (pick: (heap: WorkerHeap) => number) =>
    byWorker.size === 0
      ? undefined
      : [...byWorker.values()].reduce((total, heaps) => total + (mean(heaps.map(pick)) ?? 0), 0);
  return {
    rssMb: mean(samples.flatMap((sample) => (sample.rssMb === undefined ? [] : [sample.rssMb]))),
    heapUsedMb: sum((heap) => heap.heapUsedMb),
    heapTotalMb: sum((heap) => heap.heapTotalMb),
    workerPids: [...byWorker.keys()].sort((a, b) => a - b),
  };
}

/** One figure at the two windows the verdict compares. */
export interface Growth {
  fromMb: number | undefined;
  toMb: number | undefined;
  /** (to − from) / from; undefined when either is missing. */
  growth: number | undefined;
}

export interface Verdict {
  flat: boolean;
  compared: string;
  rss: Growth;
  heapUsed: Growth;
  problem: string | undefined;
}

function growthOf(fromMb: number | undefined, toMb: number | undefined): Growth {
  const growth =
    fromMb === undefined || toMb === undefined || fromMb <= 0 ? undefined : (toMb - fromMb) / fromMb;
  return { fromMb, toMb, growth };
}

/** Flat when RSS and heap used each grow by less than FLAT_BELOW from window `from` to window `to`. */
export function verdictOf(from: SoakWindow, to: SoakWindow): Verdict {
  const rss = growthOf(from.memory.rssMb, to.memory.rssMb);
  const heapUsed = growthOf(from.memory.heapUsedMb, to.memory.heapUsedMb);
  const problem =
    from.memory.workerPids.join(',') !== to.memory.workerPids.join(',')
      ? `the workers changed between the two windows (${from.memory.workerPids} → ${to.memory.workerPids})`
      : rss.growth === undefined || heapUsed.growth === undefined
        ? 'a window has no RSS or heap sample'
        : undefined;
  return {
    flat:
      problem === undefined &&
      rss.growth !== undefined &&
      rss.growth < FLAT_BELOW &&
      heapUsed.growth !== undefined &&
      heapUsed.growth < FLAT_BELOW,
    compared:
      `the window ending at ${clock(from.endSec)} against the one ending at ${clock(to.endSec)}: in each, the` +
      ` mean of the one-second samples of RSS (the relay's process tree) and of heap used (each worker's, summed)`,
    rss,
    heapUsed,
    problem,
  };
}

export interface UsageCheck {
  /** 2xx responses the load got, and all its responses. */
  ok2xx: number;
  responses: number;
  /** Ledger entries with outcome `ok` recorded during the soak. */
  ledgerOk: number;
  /** Ledger entries recorded during the soak, by outcome, and their sum. */
  outcomes: Record<string, number>;
  ledgerEntries: number;
  /** The stream's own count of entries added, which the rollups' outcomes must equal. */
  entriesAdded: number | undefined;
  /** Requests that can be open when autocannon stops: one per connection. */
  openAtStop: number;
  lost: number;
  passed: boolean;
}

/**
 * Every 2xx the load got must be an `ok` entry. autocannon stops by dropping its connections, so up to one
 * request per connection is cut: the relay records it (as `ok` if it had already answered, else
 * `client_aborted`) but the load never counts its response. Entries beyond the responses are only allowed
 * up to that many.
 */
export function checkUsage(delta: UsageSnapshot, totals: Record<Mode, ModeTotals>): UsageCheck {
  const modes = MODES.map((mode) => totals[mode]);
  const ok2xx = modes.reduce((sum, mode) => sum + mode.ok2xx, 0);
  const responses = modes.reduce((sum, mode) => sum + mode.responses, 0);
  const openAtStop = modes.reduce((sum, mode) => sum + mode.connections, 0);
  const ledgerOk = delta.outcomes.ok ?? 0;
  const ledgerEntries = Object.values(delta.outcomes).reduce((sum, count) => sum + count, 0);
  const cut = ledgerEntries - responses;
  return {
    ok2xx,
    responses,
    ledgerOk,
    outcomes: delta.outcomes,
    ledgerEntries,
    entriesAdded: delta.entriesAdded,
    openAtStop,
    lost: Math.max(0, ok2xx - ledgerOk),
    passed:
      ledgerOk >= ok2xx &&
      cut >= 0 &&
      cut <= openAtStop &&
      (delta.entriesAdded === undefined || delta.entriesAdded === ledgerEntries),
  };
}

export function clock(seconds: number): string {
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

const fixed = (value: number | undefined, digits = 1) =>
  value === undefined ? 'n/a' : value.toFixed(digits);
const percent = (value: number | undefined) =>
  value === undefined ? 'n/a' : `${value >= 0 ? '+' : ''}${(100 * value).toFixed(1)}%`;
const cell = (text: string, width: number) => text.padStart(width);

export const TABLE_HEADER =
  "memory in MB, the mean of each window's samples (RSS: the process tree; heap: each worker's, summed);" +
  ' start and end: one sample of the idle relay, before and after the load\n' +
  `${'at'.padEnd(12)}${cell('RSS MB', 8)}${cell('heap used', 11)}${cell('heap total', 11)}${cell('req/s', 8)}` +
  `${MODES.map((mode) => cell(mode, 15)).join('')}${cell('non-2xx', 9)}${cell('errors', 8)}` +
  `${cell('CPU% relay', 12)}${cell('bench', 7)}`;

/** One printed row: a window under load, or an idle sample (memory only). */
export function formatRow(label: string, memory: WindowMemory, window?: SoakWindow): string {
  const head =
    `${label.padEnd(12)}${cell(fixed(memory.rssMb), 8)}` +
    `${cell(fixed(memory.heapUsedMb), 11)}${cell(fixed(memory.heapTotalMb), 11)}`;
  if (!window) return head;
  const perMode = MODES.map((mode) => window.counts[mode]);
  const total = (pick: (counts: ModeCounts) => number) =>
    perMode.reduce((sum, counts) => sum + pick(counts), 0);
  const rate = (responses: number) => cell(fixed(responses / window.durationSec, 0), 15);
  return (
    `${head}${cell(fixed(window.reqPerSec, 0), 8)}${perMode.map((counts) => rate(counts.responses)).join('')}` +
    `${cell(String(total((counts) => counts.non2xx)), 9)}${cell(String(total((counts) => counts.errors)), 8)}` +
    `${cell(fixed(window.cpu.relay, 0), 12)}${cell(fixed(window.cpu.bench, 0), 7)}`
  );
}

export function formatVerdict(verdict: Verdict): string[] {
  return [
    `verdict: ${verdict.flat ? 'FLAT' : 'GROWING'} (flat: both grow by less than ${100 * FLAT_BELOW}%)`,
    `  compared: ${verdict.compared}`,
    `  RSS ${fixed(verdict.rss.fromMb)} → ${fixed(verdict.rss.toMb)} MB (${percent(verdict.rss.growth)}),` +
      ` heap used ${fixed(verdict.heapUsed.fromMb)} → ${fixed(verdict.heapUsed.toMb)} MB (${percent(verdict.heapUsed.growth)})`,
    ...(verdict.problem ? [`  cannot compare: ${verdict.problem}`] : []),
  ];
}

export function formatUsage(check: UsageCheck): string[] {
  const outcomes = Object.entries(check.outcomes)
    .filter(([, count]) => count !== 0)
    .map(([outcome, count]) => `${outcome} ${count}`)
    .join(', ');
  const rollupsMatch =
    check.entriesAdded === undefined
      ? ''
      : check.entriesAdded === check.ledgerEntries
        ? ' (= the rollups)'
        : ' (NOT the rollups)';
  return [
    `usage: ${check.passed ? 'NO USAGE LOST' : 'USAGE CHECK FAILED'}: ${check.ok2xx} 2xx responses,` +
      ` ${check.ledgerOk} ledger entries with outcome ok; ${check.lost} 2xx without an entry`,
    `  the ledger has ${check.ledgerEntries} entries (${outcomes || 'none'}) for ${check.responses} responses:` +
      ` ${check.ledgerEntries - check.responses} requests cut when the load dropped its connections` +
      ` (allowed: up to ${check.openAtStop}, one per connection)`,
    `  ledger stream entries added: ${check.entriesAdded ?? 'n/a (Redis < 7)'}${rollupsMatch}`,
  ];
}
