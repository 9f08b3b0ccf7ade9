// Open files per process (Linux /proc): what the streams bench watches against the per-process limit.
import { readdirSync, readFileSync } from 'node:fs';
import { processTree } from './process-tree.js';
import { readOwnRssMb } from './processes.js';

export interface ProcessSample {
  pid: number;
  rssMb: number | undefined;
  /** Open file descriptors (sockets included). */
  openFiles: number | undefined;
}

/** Each process of a tree (a cluster primary and its workers) with its own RSS and open files. */
export function sampleProcesses(pid: number): ProcessSample[] {
  return processTree(pid).map((member) => {
    let openFiles: number | undefined;
    try {
      openFiles = readdirSync(`/proc/${member}/fd`).length;
    } catch {
      // The process ended while we looked.
    }
    return { pid: member, rssMb: readOwnRssMb(member), openFiles };
  });
}

/** This process's soft limit on open files (`ulimit -n`), which the children it starts inherit. */
export function openFileLimit(): number {
  const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  const value = line?.[1];
  return value === undefined || value === 'unlimited' ? Number.POSITIVE_INFINITY : Number(value);
}
