// Runs one (mode, connections) pair: direct to the fake upstream, through a bare proxy, then through the relay.
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { AllocationProfiler } from './alloc-profiler.js';
import { type CommandCalls, diffCalls, readCommandCalls, sumCalls } from './command-stats.js';
import { type CpuSample, cpuPercent, sampleCpu } from './cpu.js';
import { formatHeapProfile } from './heap-profile-summary.js';
import { type LoadResult, type Mode, runLoad } from './load.js';
import { readRssMb } from './processes.js';
import { monotonicUs, type Window } from './profile-summary.js';
import { diffTrips, type TripCounter, type TripSnapshot, totalTurns } from './redis-trip-counter.js';

export interface BenchContext {
  fakeUrl: string;
  /** A bare node:http pass-through proxy to the fake upstream: the floor the relay is compared with. */
  proxyUrl: string;
  relayUrl: string;
  /**
   * A second, single-process relay whose Redis traffic goes through the trip counter. Only round trips are
   * measured on it: the counter runs in this process beside autocannon and would slow the measured relay.
   */
  countingRelayUrl: string;
  /** How the load authenticates: a relay key, or a signed-in device's bearer token (`--caller`). */
  callerHeaders: Record<string, string>;
  relayPid: number;
  /** Processes whose CPU use is recorded per run: relay, fake upstream, and Redis when we started it. */
  pids: Record<string, number | undefined>;
  trips: TripCounter;
  /** A direct connection to Redis, for INFO only. */
  redis: Redis;
  durationSec: number;
  warmupSec: number;
  /** With `--alloc-profile`: samples the measured relay's allocations during each measured run. */
  allocations?: AllocationProfiler;
  /** Pause after a run so its settles and rollups land inside the measured window. */
  settleMs: number;
  log: (line: string) => void;
}

/** Redis activity of an idle relay, per second: jobs and renewals that would run without any traffic. */
export interface Baseline {
  windowSec: number;
  turnsPerSec: number;
  requestPathTurnsPerSec: number;
  commandsPerSec: number;
  trips: TripSnapshot;
  calls: CommandCalls;
}

export interface RedisPerRequest {
  windowSec: number;
  /** Server-side commands per request (INFO commandstats, includes commands inside Lua), baseline removed. */
  commands: number;
  /** Commands the relay sent per request that belong to requests (the trip counter's count). */
  requestPathCommands: number;
  /** Request-path turns per request; exact at one connection, pipelining across requests lowers it above. */
  roundTrips: number;
  /** Every turn on every connection (jobs included) per request, idle baseline removed. */
  allTurns: number;
  byCommand: CommandCalls;
  /** Most frequent turn shapes, per request. */
  signatures: Record<string, number>;
}

export interface ScenarioResult {
  mode: Mode;
  connections: number;
  direct: LoadResult;
  /** The same load through the bare node:http proxy, just before the relay's run. */
  proxy: LoadResult;
  proxyCpuUsPerRequest: number | undefined;
  relay: LoadResult;
  relayRssMb: number | undefined;
  /** Percent of one core per process during each measured run; `bench` is autocannon plus the trip counter. */
  cpu: { direct: Record<string, number>; proxy: Record<string, number>; relay: Record<string, number> };
  /** Relay CPU time per relayed request, in microseconds: comparable across machines, unlike req/s. */
  relayCpuUsPerRequest: number | undefined;
  /** 1-minute load average when the pair started: other work on the machine skews everything. */
  loadAverage: number;
  /** When the measured relay run ran, to pick its samples out of a CPU profile. */
  relayWindow: Window;
  redis: RedisPerRequest;
  /** With `--alloc-profile`: where the relay allocated during the measured run, per request. */
  allocations?: string;
}

export async function measureBaseline(ctx: BenchContext): Promise<Baseline> {
  // The smoke request's settle may still be on its way; it is not idle activity.
  await sleep(ctx.settleMs);
  const trips = ctx.trips.snapshot();
  const calls = await readCommandCalls(ctx.redis);
  await sleep(ctx.durationSec * 1000 + ctx.settleMs);
  const tripDelta = diffTrips(trips, ctx.trips.snapshot());
  const callDelta = diffCalls(calls, await readCommandCalls(ctx.redis));
  const windowSec = tripDelta.at / 1000;
  const total = totalTurns(tripDelta);
  return {
    windowSec,
    turnsPerSec: total.turns / windowSec,
    requestPathTurnsPerSec: total.requestPathTurns / windowSec,
    commandsPerSec: sumCalls(callDelta) / windowSec,
    trips: tripDelta,
    calls: callDelta,
  };
}

export async function runScenario(
  ctx: BenchContext,
  baseline: Baseline,
  mode: Mode,
  connections: number,
): Promise<ScenarioResult> {
  const relayHeaders = ctx.callerHeaders;
  const load = (baseUrl: string, durationSec: number, headers: Record<string, string>) =>
    runLoad({ baseUrl, mode, connections, durationSec, headers });

  const loadAverage = os.loadavg()[0] ?? 0;
  ctx.log(`  ${mode} c=${connections}: direct (load average ${loadAverage.toFixed(2)})`);
  // The same headers both ways (the fake ignores the key), so header parsing costs the same on each side.
  if (ctx.warmupSec > 0) await load(ctx.fakeUrl, ctx.warmupSec, relayHeaders);
  const directCpu = sampleCpu(ctx.pids);
  const direct = await load(ctx.fakeUrl, ctx.durationSec, relayHeaders);
  const directCpuPercent = cpuPercent(directCpu, sampleCpu(ctx.pids));

  ctx.log(`  ${mode} c=${connections}: bare node:http proxy`);
  if (ctx.warmupSec > 0) await load(ctx.proxyUrl, ctx.warmupSec, relayHeaders);
  const proxyCpu = sampleCpu(ctx.pids);
  const proxy = await load(ctx.proxyUrl, ctx.durationSec, relayHeaders);
  const proxyCpuAfter = sampleCpu(ctx.pids);

  ctx.log(`  ${mode} c=${connections}: relay`);
  if (ctx.warmupSec > 0) await load(ctx.relayUrl, ctx.warmupSec, relayHeaders);
  // Let the warm-up's settles and rollups finish so they are not billed to the measured run.
  await sleep(ctx.settleMs);
  const callsBefore = await readCommandCalls(ctx.redis);
  const relayCpu = sampleCpu(ctx.pids);
  await ctx.allocations?.start();
  const startUs = monotonicUs();
  const relay = await load(ctx.relayUrl, ctx.durationSec, relayHeaders);
  const relayWindow = { startUs, endUs: monotonicUs() };
  const allocated = await ctx.allocations?.stop();
  const relayCpuAfter = sampleCpu(ctx.pids);
  const relayRssMb = readRssMb(ctx.relayPid);
  await sleep(ctx.settleMs);
  const calls = diffCalls(callsBefore, await readCommandCalls(ctx.redis));
  const callsWindowSec = (relayWindow.endUs - relayWindow.startUs) / 1e6 + ctx.settleMs / 1000;

  // Round trips are a property of one request's path: counted at one connection on the counting relay.
  let counted: { trips: TripSnapshot; load: LoadResult } | undefined;
  if (connections === 1) {
    ctx.log(`  ${mode} c=1: relay through the round-trip counter`);
    const tripsBefore = ctx.trips.snapshot();
    const countedLoad = await load(ctx.countingRelayUrl, Math.min(ctx.durationSec, 3), relayHeaders);
    await sleep(ctx.settleMs);
    counted = { trips: diffTrips(tripsBefore, ctx.trips.snapshot()), load: countedLoad };
  }

  return {
    mode,
    connections,
    direct,
    proxy,
    proxyCpuUsPerRequest: cpuUsPerRequest(proxyCpu, proxyCpuAfter, 'proxy', proxy),
    relay,
    relayRssMb,
    cpu: {
      direct: directCpuPercent,
      proxy: cpuPercent(proxyCpu, proxyCpuAfter),
      relay: cpuPercent(relayCpu, relayCpuAfter),
    },
    relayCpuUsPerRequest: cpuUsPerRequest(relayCpu, relayCpuAfter, 'relay', relay),
    loadAverage,
    relayWindow,
    redis: perRequest({ calls, windowSec: callsWindowSec, requests: relay.requests }, counted, baseline),
    ...(allocated ? { allocations: formatHeapProfile(allocated.head, relay.requests) } : {}),
  };
}

function perRequest(
  main: { calls: CommandCalls; windowSec: number; requests: number },
  counted: { trips: TripSnapshot; load: LoadResult } | undefined,
  baseline: Baseline,
): RedisPerRequest {
  const requests = Math.max(1, main.requests);
  const countedRequests = Math.max(1, counted?.load.requests ?? 0);
  const countedWindowSec = (counted?.trips.at ?? 0) / 1000;
  const total = counted ? totalTurns(counted.trips) : undefined;
  const signatures: Record<string, number> = {};
  const ranked = Object.entries(counted?.trips.signatures ?? {}).sort((a, b) => b[1] - a[1]);
  for (const [signature, count] of ranked.slice(0, 12))
    signatures[signature] = round(count / countedRequests, 4);
  return {
    windowSec: main.windowSec,
    commands: (sumCalls(main.calls) - baseline.commandsPerSec * main.windowSec) / requests,
    requestPathCommands: total ? total.requestPathCommands / countedRequests : Number.NaN,
    roundTrips: total
      ? (total.requestPathTurns - baseline.requestPathTurnsPerSec * countedWindowSec) / countedRequests
      : Number.NaN,
    allTurns: total ? (total.turns - baseline.turnsPerSec * countedWindowSec) / countedRequests : Number.NaN,
    byCommand: Object.fromEntries(
      Object.entries(main.calls)
        .sort((a, b) => b[1] - a[1])
        .map(([command, count]) => [command, round(count / requests, 4)]),
    ),
    signatures,
  };
}

/** CPU time of one process per completed request, in microseconds. */
function cpuUsPerRequest(before: CpuSample, after: CpuSample, role: string, load: LoadResult) {
  const ms = (after.ms[role] ?? Number.NaN) - (before.ms[role] ?? Number.NaN);
  return Number.isNaN(ms) ? undefined : (1000 * ms) / Math.max(1, load.requests);
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
