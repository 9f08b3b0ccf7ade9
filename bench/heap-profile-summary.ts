// `node --import tsx bench/heap-profile-summary.ts <file.heapprofile> [requests]`: where a relay allocates, from
// a sampling heap profile (`--heap-prof`, e.g. `npm run bench -- --relay-node-options="--heap-prof
// --heap-prof-dir=DIR"`). Prints the sampled bytes by function and by the nearest package or src/ caller, and,
// given the number of requests the relay served, bytes per request. The profile spans the relay's whole life,
// so start-up (module loading, mostly "Node internals") is in it too.
import { readFileSync } from 'node:fs';
import { areaOf, shortUrl } from './profile-summary.js';

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

const [file, requestsArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write(
    'usage: node --import tsx bench/heap-profile-summary.ts <file.heapprofile> [requests]\n',
  );
  process.exit(2);
}
const requests = requestsArg === undefined ? undefined : Number(requestsArg);
const root = (JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode }).head;

const byFunction = new Map<string, number>();
const byOwner = new Map<string, number>();
let total = 0;
/** Walks the call tree; `owner` is the nearest caller outside Node's own code. */
function walk(node: HeapNode, owner: string): void {
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
}
walk(root, 'Node internals only');

const mb = (bytes: number) => (bytes / 1048576).toFixed(1);
const perRequest = (bytes: number) =>
  requests && requests > 0 ? `  ${(bytes / requests).toFixed(0).padStart(6)} B/req` : '';
const print = (title: string, totals: Map<string, number>, top: number) => {
  process.stdout.write(`${title}\n`);
  for (const [name, bytes] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    const share = ((100 * bytes) / total).toFixed(1).padStart(5);
    process.stdout.write(`  ${share}%  ${mb(bytes).padStart(7)} MB${perRequest(bytes)}  ${name}\n`);
  }
};
process.stdout.write(`${file}: ${mb(total)} MB sampled in all${perRequest(total)}\n`);
print('by nearest package or src/ caller:', byOwner, 15);
print('by allocating function:', byFunction, 25);
