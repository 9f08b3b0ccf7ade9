// CPU time of the bench's processes over a window, to tell a relay-bound run from a machine-bound one.
import { readFileSync } from 'node:fs';
import { processTree } from './process-tree.js';

/** Linux USER_HZ: /proc reports CPU time in these ticks, 100 on every mainstream build. */
const TICKS_PER_SECOND = 100;

export interface CpuSample {
  at: number;
  /** CPU milliseconds (user + system) so far, by process role; `bench` is this process (autocannon, proxy). */
  ms: Record<string, number>;
}

export function sampleCpu(pids: Record<string, number | undefined>): CpuSample {
  const usage = process.cpuUsage();
  const ms: Record<string, number> = { bench: (usage.user + usage.system) / 1000 };
  for (const [role, pid] of Object.entries(pids)) {
    const used = pid === undefined ? undefined : readProcessCpuMs(pid);
    if (used !== undefined) ms[role] = used;
  }
  return { at: performance.now(), ms };
}

/** Percent of one core each process used between two samples (200% = two cores busy). */
export function cpuPercent(before: CpuSample, after: CpuSample): Record<string, number> {
  const elapsed = after.at - before.at;
  const percent: Record<string, number> = {};
  for (const [role, used] of Object.entries(after.ms)) {
    const earlier = before.ms[role];
    if (earlier !== undefined && elapsed > 0)
      percent[role] = Math.round((1000 * (used - earlier)) / elapsed) / 10;
  }
  return percent;
}

/** CPU time of a process and its descendants (cluster workers). */
function readProcessCpuMs(pid: number): number | undefined {
  let total: number | undefined;
  for (const member of processTree(pid)) {
    const used = readOneProcessCpuMs(member);
    if (used !== undefined) total = (total ?? 0) + used;
  }
  return total;
}

function readOneProcessCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces, so fields are counted from its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}
