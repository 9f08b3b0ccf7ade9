// A process and all its descendants (Linux /proc): the relay may run as a cluster primary with workers.
import { readdirSync, readFileSync } from 'node:fs';

export function processTree(pid: number): number[] {
  const tree = [pid];
  for (let index = 0; index < tree.length; index += 1) {
    const current = tree[index];
    if (current === undefined) continue;
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${current}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        const children = readFileSync(`/proc/${current}/task/${task}/children`, 'utf8').trim();
        if (children !== '') tree.push(...children.split(' ').map(Number));
      } catch {
        // The task ended while we looked.
      }
    }
  }
  return tree;
}
