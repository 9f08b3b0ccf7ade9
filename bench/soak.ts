// `npm run bench -- --soak 600`: minutes of mixed load on one relay, watching whether its memory stays flat and
// whether every answered request reached the usage ledger.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { type CpuSample, cpuPercent, sampleCpu } from './cpu.js';
import { MODES, type Mode } from './load.js';
import type { LogStats } from './log-counter.js';
import { readRssMb } from './processes.js';
import { writeJson } from './report.js';
import { byMode, type MixedLoad, type ModeCounts, splitConnections, startMixedLoad } from './soak-load.js';
import {
  checkUsage,
  clock,
  formatRow,
  formatUsage,
  formatVerdict,
  type SoakSample,
  type SoakWindow,
  TABLE_HEADER,
  verdictOf,
  windowMemory,
} from './soak-report.js';
import { monthsOf, usageDelta, usageReader } from './soak-usage.js';
import { workerScraper } from './worker-metrics.js';

/**
 * One sample a second: sixty in a minute window. Under this load a worker's heap climbs by about 150 MB
 * between two full collections (every 10 s or so), so a window's figure (a mean, see WindowMemory) needs
 * samples dense enough to cover each cycle: in a 5-minute trial the means of three 10-second samples per
 * half-minute ranged 100–159 MB, those of thirty 1-second samples 115–134 MB. A scrape costs the relay about
 * 4 ms of CPU per worker (prom-client collecting), 0.4% of a core at this rate.
 */
const SAMPLE_SEC = 1;
/** The smallest warm-up: the load's connections, the relay's pools and its JIT are settled after this. */
const MIN_WARMUP_SEC = 10;
/** The load's connections in all, shared by the four modes (13+13+12+12). */
const CONNECTIONS = 50;
/** How long the relay may take to write the last ledger entries and roll them up. */
const SETTLE_TIMEOUT_MS = 60_000;

export interface SoakContext {
  relayUrl: string;
  relayPid: number;
  relayLogs: LogStats;
  /** Processes whose CPU is shown per window (relay, fake upstream, Redis when the bench started it). */
  pids: Record<string, number | undefined>;
  callerHeaders: Record<string, string>;
  /** The relay's METRICS_TOKEN: its V8 heap is read from its own Prometheus endpoint. */
  metricsToken: string;
  /** A direct connection to the relay's Redis, to read the ledger and the rollups. */
  redis: Redis;
  keyPrefix: string;
  soakSec: number;
  warmupSec: number;
  resultsFile: string;
  /** Written into the results as they are (machine, options, start time). */
  about: Record<string, unknown>;
  log: (line: string) => void;
}

/**
 * Minute windows for soaks of ten minutes and more (the options ask for whole minutes there); a shorter soak,
 * for trying the bench out, gets ten windows of a tenth each, so its verdict compares the same halves.
 */
export function soakPlan(soakSec: number) {
  const windows = soakSec >= 600 ? Math.round(soakSec / 60) : 10;
  const windowSec = soakSec / windows;
  // Whole samples per window, so every window has the same number (a 90 s soak: nine a window, 1 s apart).
  const samplesPerWindow = Math.max(1, Math.round(windowSec / SAMPLE_SEC));
  return {
    windows,
    windowSec,
    sampleSec: windowSec / samplesPerWindow,
    samplesPerWindow,
    // The verdict compares the window ending at the soak's middle with the last one (minute 5 with minute 10).
    middle: Math.ceil(windows / 2) - 1,
  };
}

export async function runSoak(ctx: SoakContext): Promise<void> {
  const plan = soakPlan(ctx.soakSec);
  const scraper = workerScraper(ctx.relayUrl, ctx.relayPid, ctx.metricsToken);
  try {
    await soak(ctx, plan, async (atSec) => ({
      atSec,
      rssMb: readRssMb(ctx.relayPid),
      workers: await scraper.scrape(),
    }));
  } finally {
    scraper.close();
  }
}

async function soak(
  ctx: SoakContext,
  plan: ReturnType<typeof soakPlan>,
  sample: (atSec: number) => Promise<SoakSample>,
): Promise<void> {
  const { log } = ctx;
  const shares = splitConnections(CONNECTIONS, MODES.length);

  // A wrong token or a relay without metrics fails here, before ten minutes of load.
  const probe = await sample(0);
  if (probe.workers.length === 0)
    throw new Error('no metrics scrape could be traced to a relay worker (see worker-metrics.ts)');
  const warmupSec = Math.max(MIN_WARMUP_SEC, ctx.warmupSec);
  log(
    `\nsoak: ${ctx.soakSec} s of ${MODES.map((mode, index) => `${mode} c=${shares[index]}`).join(', ')} at once;` +
      ` ${probe.workers.length} relay worker(s); a sample every ${plan.sampleSec} s, a row every` +
      ` ${plan.windowSec} s; warm-up ${warmupSec} s`,
  );
  await startMixedLoad({ ...loadSpec(ctx), durationSec: warmupSec }).done;
  const usage = usageReader(ctx.redis, ctx.keyPrefix, monthsOf(Date.now(), ctx.soakSec));
  await usage.settled(SETTLE_TIMEOUT_MS);
  const usageBefore = await usage.read();
  const start = await sample(0);
  log(`\n${TABLE_HEADER}`);
  log(formatRow('start (idle)', windowMemory([start])));

  const cpuBefore = process.cpuUsage();
  const load = startMixedLoad({ ...loadSpec(ctx), durationSec: ctx.soakSec });
  let windows: SoakWindow[];
  try {
    windows = await sampleWindows(ctx, plan, load, sample);
  } catch (error) {
    load.stop();
    await load.done.catch(() => undefined);
    throw error;
  }
  const totals = await load.done;
  const benchCpu = process.cpuUsage(cpuBefore);
  await usage.settled(SETTLE_TIMEOUT_MS);
  const check = checkUsage(usageDelta(usageBefore, await usage.read()), totals);
  const end = await sample(ctx.soakSec);
  log(formatRow('end (idle)', windowMemory([end])));

  const middle = windows[plan.middle];
  const last = windows[windows.length - 1];
  if (!middle || !last) throw new Error('the soak ended without its windows');
  const verdict = verdictOf(middle, last);
  log('');
  for (const line of formatVerdict(verdict)) log(line);
  for (const line of formatUsage(check)) log(line);
  const non2xx = MODES.reduce((sum, mode) => sum + totals[mode].non2xx, 0);
  const errors = MODES.reduce((sum, mode) => sum + totals[mode].errors, 0);
  log(`load: ${check.responses} responses, ${non2xx} non-2xx, ${errors} errors (timeouts included)`);
  log(
    `relay log: ${ctx.relayLogs.lines} lines, ${ctx.relayLogs.warnings} warnings, ${ctx.relayLogs.errors} errors`,
  );
  for (const line of ctx.relayLogs.samples) log(`  ${line}`);

  writeJson(ctx.resultsFile, {
    ...ctx.about,
    finishedAt: new Date().toISOString(),
    soak: {
      ...plan,
      soakSec: ctx.soakSec,
      warmupSec,
      connections: byMode((_mode, index) => shares[index]),
    },
    start,
    windows,
    end,
    verdict,
    usage: check,
    load: totals,
    benchCpuSec: (benchCpu.user + benchCpu.system) / 1e6,
    relayLogs: ctx.relayLogs,
  });
  log(`\nraw results: ${ctx.resultsFile}`);
  const failures = [
    ...(verdict.flat ? [] : ['memory is not flat']),
    ...(check.passed ? [] : ['usage check failed']),
    ...(non2xx + errors > 0 ? [`${non2xx} non-2xx responses and ${errors} errors`] : []),
  ];
  if (failures.length > 0) throw new Error(`soak failed: ${failures.join('; ')}`);
}

function loadSpec(ctx: SoakContext) {
  return { baseUrl: ctx.relayUrl, connections: CONNECTIONS, headers: ctx.callerHeaders };
}

/** Samples on a fixed schedule, mid-slot (none falls on the load's start or stop); a row per window. */
async function sampleWindows(
  ctx: SoakContext,
  plan: ReturnType<typeof soakPlan>,
  load: MixedLoad,
  sample: (atSec: number) => Promise<SoakSample>,
): Promise<SoakWindow[]> {
  const startedAt = performance.now();
  const windows: SoakWindow[] = [];
  let previous = { counts: readCounts(load), cpu: sampleCpu(ctx.pids) };
  for (let index = 0; index < plan.windows; index += 1) {
    const samples: SoakSample[] = [];
    for (let slot = 0; slot < plan.samplesPerWindow; slot += 1) {
      const dueSec = index * plan.windowSec + (slot + 0.5) * plan.sampleSec;
      await sleep(Math.max(0, startedAt + dueSec * 1000 - performance.now()));
      samples.push(await sample((performance.now() - startedAt) / 1000));
    }
    const now = { counts: readCounts(load), cpu: sampleCpu(ctx.pids) };
    const window = closeWindow((index + 1) * plan.windowSec, samples, previous, now);
    windows.push(window);
    ctx.log(formatRow(clock(window.endSec), window.memory, window));
    previous = now;
  }
  return windows;
}

type Reading = { counts: Record<Mode, ModeCounts>; cpu: CpuSample };

function readCounts(load: MixedLoad): Record<Mode, ModeCounts> {
  return byMode((mode) => ({ ...load.counts[mode] }));
}

function closeWindow(endSec: number, samples: SoakSample[], before: Reading, after: Reading): SoakWindow {
  const durationSec = (after.cpu.at - before.cpu.at) / 1000;
  const counts = byMode((mode): ModeCounts => {
    const [then, now] = [before.counts[mode], after.counts[mode]];
    return {
      responses: now.responses - then.responses,
      non2xx: now.non2xx - then.non2xx,
      errors: now.errors - then.errors,
    };
  });
  const responses = MODES.reduce((sum, mode) => sum + counts[mode].responses, 0);
  return {
    endSec,
    memory: windowMemory(samples),
    samples,
    counts,
    durationSec,
    reqPerSec: durationSec > 0 ? responses / durationSec : 0,
    cpu: cpuPercent(before.cpu, after.cpu),
  };
}
