// Where a relay allocates, from a sampling heap profile: the sampled bytes by function and by the nearest
// package or src/ caller, and per request when the number of requests is known. The bench's `--alloc-profile`
// prints this for each measured relay run; on its own, `node --import tsx bench/heap-profile-summary.ts
// <file.heapprofile> [requests]` reads a profile file (`--heap-prof` files hold only what was still alive when
// the process exited, start-up included; the bench's profiles hold every allocation of the run).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { HeapProfileNode } from './alloc-profiler.js';
import { areaOf, shortUrl } from './profile-summary.js';

export function formatHeapProfile(head: HeapProfileNode, requests?: number, top = 15): string {
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let total = 0;
  // The owner is the nearest caller outside Node's own code (a Buffer made for undici counts to undici).
  const walk = (node: HeapProfileNode, owner: string): void => {
    const { functionName, url, lineNumber } = node.callFrame;
    const here = url && !url.startsWith('node:') ? areaOf(url, functionName) : owner;
    if (node.selfSize > 0) {
      total += node.selfSize;
      const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '(native)';
      const key = `${functionName || '(anonymous)'}  ${where}`;
      byFunction.set(key, (byFunction.get(key) ?? 0) + node.selfSize);
      byOwner.set(here, (byOwner.get(here) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child, here);
  };
  walk(head, 'Node internals only');

  const mb = (bytes: number) => (bytes / 1048576).toFixed(1);
  const perRequest = (bytes: number) =>
    requests && requests > 0 ? `  ${(bytes / requests).toFixed(0).padStart(6)} B/req` : '';
  const lines = [`  ${mb(total)} MB sampled in all${perRequest(total)}`];
  const section = (title: string, totals: Map<string, number>) => {
    lines.push(`  ${title}`);
    for (const [name, bytes] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      const share = ((100 * bytes) / Math.max(1, total)).toFixed(1).padStart(5);
      lines.push(`    ${share}%  ${mb(bytes).padStart(7)} MB${perRequest(bytes)}  ${name}`);
    }
  };
  section('by nearest package or src/ caller:', byOwner);
  section('by allocating function:', byFunction);
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const [file, requests] = process.argv.slice(2);
  if (!file) {
    process.stderr.write(
      'usage: node --import tsx bench/heap-profile-summary.ts <file.heapprofile> [requests]\n',
    );
    process.exit(2);
  }
  const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: HeapProfileNode };
  process.stdout.write(
    `${file}\n${formatHeapProfile(head, requests === undefined ? undefined : Number(requests))}\n`,
  );
}
