// Whether a process that is not our child is still running, read from /proc: a process whose parent is gone is
// reparented, and in a container the new parent may never reap it, so `kill(pid, 0)` would find its zombie.
import { readFileSync } from 'node:fs';

/** Alive and not a zombie. */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name in parentheses, which may itself hold spaces or parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
