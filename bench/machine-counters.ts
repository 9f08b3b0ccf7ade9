// Machine-wide counters (Linux /proc): TCP's sign of a server not accepting fast enough, and how busy the CPUs were.
import { readFileSync } from 'node:fs';

export interface TcpCounters {
  /** Connections dropped because a listener's accept queue was full: the client retries its SYN 1, 3, 7… s later. */
  listenOverflows: number;
  /** SYNs sent again, after such a drop (or a loss). */
  synRetransmits: number;
}

/** Counters of this network namespace (every process on the machine's loopback, not the relay alone). */
export function readTcpCounters(): TcpCounters | undefined {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    const names = lines.find((line) => line.startsWith('TcpExt:'))?.split(' ');
    const values = lines.filter((line) => line.startsWith('TcpExt:'))[1]?.split(' ');
    if (names === undefined || values === undefined) return undefined;
    const value = (name: string) => Number(values[names.indexOf(name)] ?? Number.NaN);
    return { listenOverflows: value('ListenOverflows'), synRetransmits: value('TCPSynRetrans') };
  } catch {
    return undefined;
  }
}

export function tcpDelta(
  before: TcpCounters | undefined,
  after: TcpCounters | undefined,
): TcpCounters | undefined {
  if (before === undefined || after === undefined) return undefined;
  return {
    listenOverflows: after.listenOverflows - before.listenOverflows,
    synRetransmits: after.synRetransmits - before.synRetransmits,
  };
}

export interface CpuTicks {
  busy: number;
  total: number;
}

/** All CPUs' ticks since boot (/proc/stat): busy is everything but idle and iowait. */
export function readCpuTicks(): CpuTicks | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.reduce((sum, value) => sum + value, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/**
 * Share of the whole machine busy between two readings (100% = every core), whoever used it: on a machine shared
 * with other work, a relay slower than its own CPU share explains is one waiting for a core.
 */
export function machineBusyPercent(
  before: CpuTicks | undefined,
  after: CpuTicks | undefined,
): number | undefined {
  if (before === undefined || after === undefined || after.total <= before.total) return undefined;
  return Math.round((100 * (after.busy - before.busy)) / (after.total - before.total));
}
