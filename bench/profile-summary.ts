// Summarises a V8 .cpuprofile: top self-time functions and where busy time goes by package or src folder.
import { readFileSync } from 'node:fs';
import { ROOT } from './processes.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  file: string;
  /** Whether only the measured relay runs were counted (else the relay's whole life). */
  windowed: boolean;
  totalMs: number;
  busyMs: number;
  topFunctions: Array<{
    name: string;
    where: string;
    selfMs: number;
    busyPercent: number;
    /** For Node internals and native code: the nearest package or src caller, by share of this entry. */
    calledFrom?: Array<{ area: string; percent: number }>;
  }>;
  /** Self time by where the code lives. */
  byArea: Array<{ area: string; selfMs: number; busyPercent: number }>;
  /** Self time charged to the nearest caller in a package or in src/ (Node internals and native code folded in). */
  byOwner: Array<{ area: string; selfMs: number; busyPercent: number }>;
}

/** Entries V8 adds that are not JavaScript running on behalf of a request. */
const IDLE = '(idle)';

/** A span of CLOCK_MONOTONIC microseconds, the clock V8 stamps profile samples with on Linux. */
export interface Window {
  startUs: number;
  endUs: number;
}

export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * With `windows`, only samples inside them count (the measured relay runs), leaving out start-up, module
 * compilation and the direct runs. Should none match (another clock), every sample counts.
 */
export function summariseProfile(file: string, windows: Window[] = [], top = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const inWindows = (at: number) => windows.some((window) => at >= window.startUs && at <= window.endUs);
  const collect = (filter: boolean) => {
    const selfUs = new Map<number, number>();
    let at = profile.startTime;
    // timeDeltas[i] is the time before sample i, so it is the duration of the sample before it.
    for (let index = 0; index < samples.length; index += 1) {
      at += deltas[index] ?? 0;
      const id = samples[index];
      const duration = deltas[index + 1] ?? 0;
      if (id === undefined || (filter && !inWindows(at))) continue;
      selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, duration));
    }
    return selfUs;
  };
  let selfUs = collect(windows.length > 0);
  const windowed = selfUs.size > 0 && windows.length > 0;
  if (!windowed) selfUs = collect(false);

  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const ownerOf = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const url = byId.get(at)?.callFrame.url ?? '';
      if (url && !url.startsWith('node:')) return areaOf(url, '');
    }
    return 'Node internals only (no package or src caller)';
  };

  const functions = new Map<
    string,
    { name: string; where: string; us: number; owners: Map<string, number> }
  >();
  const areas = new Map<string, number>();
  const owners = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    totalUs += us;
    if (frame.functionName === IDLE) {
      idleUs += us;
      continue;
    }
    const name = frame.functionName || '(anonymous)';
    // Code tsx compiles reports line 1 for everything; a line is shown only where it means something.
    const where = frame.url
      ? `${shortUrl(frame.url)}${frame.lineNumber > 0 ? `:${frame.lineNumber + 1}` : ''}`
      : '(native)';
    const key = `${name} ${where}`;
    const entry = functions.get(key) ?? { name, where, us: 0, owners: new Map() };
    entry.us += us;
    functions.set(key, entry);
    const area = areaOf(frame.url, name);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const owner = name.startsWith('(') && !frame.url ? name : ownerOf(id);
    owners.set(owner, (owners.get(owner) ?? 0) + us);
    entry.owners.set(owner, (entry.owners.get(owner) ?? 0) + us);
  }

  const busyUs = Math.max(1, totalUs - idleUs);
  const percent = (us: number) => Math.round((1000 * us) / busyUs) / 10;
  return {
    file,
    windowed,
    totalMs: Math.round(totalUs / 1000),
    busyMs: Math.round(busyUs / 1000),
    topFunctions: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((entry) => ({
        name: entry.name,
        where: entry.where,
        selfMs: Math.round(entry.us / 1000),
        busyPercent: percent(entry.us),
        ...(entry.where === '(native)' || entry.where.startsWith('node:')
          ? {
              calledFrom: [...entry.owners]
                .sort((a, b) => b[1] - a[1])
                .slice(0, 3)
                .map(([area, us]) => ({ area, percent: Math.round((100 * us) / entry.us) })),
            }
          : {}),
      })),
    byArea: ranked(areas, top, percent),
    byOwner: ranked(owners, top, percent),
  };
}

function ranked(totals: Map<string, number>, top: number, percent: (us: number) => number) {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([area, us]) => ({ area, selfMs: Math.round(us / 1000), busyPercent: percent(us) }));
}

export function formatProfile(summary: ProfileSummary): string {
  const lines = [
    `CPU profile ${summary.file}`,
    `  ${summary.windowed ? 'samples taken during the measured relay runs only' : 'whole relay lifetime'}`,
    `  sampled ${summary.totalMs} ms, busy (not idle) ${summary.busyMs} ms; percentages are of busy time`,
    '  self time by area:',
    ...summary.byArea.map((a) => `    ${a.busyPercent.toFixed(1).padStart(5)}%  ${a.area}`),
    '  self time charged to the nearest package or src/ caller:',
    ...summary.byOwner.map((a) => `    ${a.busyPercent.toFixed(1).padStart(5)}%  ${a.area}`),
    '  top functions by self time:',
    ...summary.topFunctions.map((f) => {
      const from = f.calledFrom?.map((c) => `${c.area} ${c.percent}%`).join(', ');
      return `    ${f.busyPercent.toFixed(1).padStart(5)}%  ${f.name}  ${f.where}${from ? `  ← ${from}` : ''}`;
    }),
  ];
  return lines.join('\n');
}

export function shortUrl(url: string): string {
  const local = url.replace(/^file:\/\//, '');
  const modules = local.lastIndexOf('/node_modules/');
  if (modules !== -1) return local.slice(modules + '/node_modules/'.length);
  return local.startsWith(`${ROOT}/`) ? local.slice(ROOT.length + 1) : local;
}

/** `src/<folder>`, an npm package, Node's own code, or V8's pseudo-entries (GC, program). */
export function areaOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  if (url.startsWith('node:')) return 'node: built-ins';
  // Node's own HTTP parser is native; the only WebAssembly in the relay is undici's llhttp.
  if (url.startsWith('wasm://')) return 'wasm (undici llhttp parser)';
  const short = shortUrl(url);
  if (url.includes('/node_modules/')) {
    const parts = short.split('/');
    return `npm ${parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`;
  }
  const parts = short.split('/');
  if (parts[0] === 'src' && parts.length > 2)
    return `${parts[0]}/${parts[1]}${parts.length > 3 ? `/${parts[2]}` : ''}`;
  return short;
}
