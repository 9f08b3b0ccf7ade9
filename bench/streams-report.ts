// What the streams bench measured, judged and printed: the per-second samples, the summary table, the verdict.
import type { LedgerTally } from './ledger-count.js';
import type { TcpCounters } from './machine-counters.js';
import type { ProcessSample } from './process-files.js';
import type { LoadResult } from './stream-load.js';

/** One second of the run, as the bench saw it. */
export interface StreamSample {
  elapsedSec: number;
  started: number;
  open: number;
  completed: number;
  failed: number;
  /** The relay's whole process tree (cluster primary and workers). */
  relayRssMb: number | undefined;
  relayProcesses: ProcessSample[];
  /** Percent of one core per process role over the last second (200% is both cores of this machine). */
  cpuPercent: Record<string, number>;
  /** The whole machine, other agents' work included (100% = every core). */
  machineBusyPercent: number | undefined;
  /** Since the streams began. */
  tcp: TcpCounters | undefined;
}

export interface MemoryFigures {
  idleRssMb: number | undefined;
  peakRssMb: number | undefined;
  /** The first sample with the most streams open (all of them, in a run that passes), and that count. */
  mostOpenRssMb: number | undefined;
  mostOpenInSample: number;
  afterRssMb: number | undefined;
  /** The most open files any one relay process held. */
  peakOpenFilesPerProcess: number | undefined;
}

export interface Verdict {
  passed: boolean;
  failures: string[];
}

/** Failed streams of any kind: a refusal, a cut connection, a stream missing its end, one still open at the deadline. */
export function failedStreams(counts: LoadResult['counts']): number {
  const refused = Object.values(counts.statuses).reduce((sum, count) => sum + count, 0);
  return refused + counts.connectionErrors + counts.incomplete + counts.timedOut;
}

export function judge(streams: number, load: LoadResult, ledger: LedgerTally): Verdict {
  const failures: string[] = [];
  const { counts } = load;
  if (failedStreams(counts) > 0) failures.push(`${failedStreams(counts)} streams failed`);
  if (counts.completed !== streams) failures.push(`${counts.completed} of ${streams} streams completed`);
  if (counts.peakOpen !== streams)
    failures.push(`at most ${counts.peakOpen} of ${streams} streams open at once`);
  if (ledger.entries !== streams || ledger.requests !== streams)
    failures.push(`ledger has ${ledger.entries} entries for ${ledger.requests} of ${streams} requests`);
  if (ledger.duplicates > 0) failures.push(`${ledger.duplicates} requests recorded twice`);
  if ((ledger.outcomes.ok ?? 0) !== streams) failures.push(`outcomes ${JSON.stringify(ledger.outcomes)}`);
  if (ledger.pending > 0) failures.push(`${ledger.pending} requests still waiting for their ledger entry`);
  return { passed: failures.length === 0, failures };
}

const mb = (value: number | undefined) => (value === undefined ? 'N/A' : `${Math.round(value)} MB`);
const ms = (value: number) => (Number.isNaN(value) ? 'N/A' : `${Math.round(value)} ms`);
const count = (value: number) => value.toLocaleString('en-US');

/** One progress line per sample while the streams run. */
export function formatSample(sample: StreamSample): string {
  const files = sample.relayProcesses.map((member) => member.openFiles ?? '?').join('/');
  const cpu = Object.entries(sample.cpuPercent)
    .map(([role, percent]) => `${role} ${Math.round(percent)}`)
    .join(' ');
  return (
    `  t=${sample.elapsedSec.toFixed(0).padStart(3)} s  started ${count(sample.started).padStart(6)}` +
    `  open ${count(sample.open).padStart(6)}  done ${count(sample.completed).padStart(6)}` +
    `  failed ${count(sample.failed)}  relay ${mb(sample.relayRssMb)} fds ${files}  CPU% ${cpu}` +
    ` (machine ${sample.machineBusyPercent ?? '?'}% busy)` +
    `  SYN drops ${sample.tcp?.listenOverflows ?? '?'}`
  );
}

/**
 * Mean CPU over the samples, per process role (percent of one core) and for the whole machine (percent of all
 * cores): on a shared machine, a slow run with the machine at 100% and this bench's roles well under it was
 * starved by other work.
 */
export function formatMeanCpu(samples: StreamSample[]): string {
  const sums = new Map<string, { total: number; count: number }>();
  const add = (role: string, value: number | undefined) => {
    if (value === undefined) return;
    const sum = sums.get(role) ?? { total: 0, count: 0 };
    sum.total += value;
    sum.count += 1;
    sums.set(role, sum);
  };
  for (const sample of samples) {
    for (const [role, percent] of Object.entries(sample.cpuPercent)) add(role, percent);
    add('machine', sample.machineBusyPercent);
  }
  const mean = (role: string) => {
    const sum = sums.get(role);
    return sum === undefined || sum.count === 0 ? 'N/A' : `${Math.round(sum.total / sum.count)}%`;
  };
  const roles = [...sums.keys()].filter((role) => role !== 'machine' && role !== 'bench');
  return `${roles.map((role) => `${role} ${mean(role)}`).join(', ')}; machine ${mean('machine')} of all cores`;
}

export interface SummaryInput {
  streams: number;
  workers: number;
  load: LoadResult;
  memory: MemoryFigures;
  ledger: LedgerTally;
  tcp: TcpCounters | undefined;
  samples: StreamSample[];
  verdict: Verdict;
}

export function formatSummary(input: SummaryInput): string {
  const { streams, workers, load, memory, ledger, tcp, samples, verdict } = input;
  const { counts } = load;
  const rows: Array<[string, string]> = [
    ['streams asked / relay workers', `${count(streams)} / ${workers}`],
    ['most open at once', count(counts.peakOpen)],
    [
      'time to open them all',
      counts.allOpenAtMs === undefined ? 'never' : `${(counts.allOpenAtMs / 1000).toFixed(1)} s`,
    ],
    [
      'time to 200, p50 / p99 / max (held to 1st content)',
      `${ms(load.openMs.p50)} / ${ms(load.openMs.p99)} / ${ms(load.openMs.max)}`,
    ],
    ['stream length, p50 / max', `${ms(load.streamMs.p50)} / ${ms(load.streamMs.max)}`],
    ['completed (message_stop, all deltas)', count(counts.completed)],
    ['non-2xx', JSON.stringify(counts.statuses)],
    [
      'connection errors / incomplete / timed out',
      `${counts.connectionErrors} / ${counts.incomplete} / ${counts.timedOut}`,
    ],
    [
      'accept-queue overflows / SYN retries',
      tcp === undefined ? 'N/A' : `${count(tcp.listenOverflows)} / ${count(tcp.synRetransmits)}`,
    ],
    ['mean CPU, % of one core', formatMeanCpu(samples)],
    ['relay RSS idle', mb(memory.idleRssMb)],
    [`relay RSS with ${count(memory.mostOpenInSample)} streams open`, mb(memory.mostOpenRssMb)],
    ['relay RSS peak', mb(memory.peakRssMb)],
    ['relay RSS after (idle upstream sockets kept)', mb(memory.afterRssMb)],
    ['most open files in one relay process', memory.peakOpenFilesPerProcess?.toString() ?? 'N/A'],
    [
      'ledger entries / requests / duplicates',
      `${count(ledger.entries)} / ${count(ledger.requests)} / ${ledger.duplicates}`,
    ],
    ['ledger outcomes', JSON.stringify(ledger.outcomes)],
    ['ledger estimated / pending', `${ledger.estimated} / ${ledger.pending}`],
    ['verdict', verdict.passed ? 'PASS' : `FAIL: ${verdict.failures.join('; ')}`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
  if (counts.errorSamples.length > 0)
    lines.push('  errors seen:', ...counts.errorSamples.map((line) => `    ${line}`));
  return lines.join('\n');
}
