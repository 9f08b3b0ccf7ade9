// `npm run bench`: relay vs direct throughput, latency, RSS and Redis cost per request, on throwaway services.

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startEmbeddedRedis } from '../src/services/redis/embedded-redis.js';
import { createKeys } from '../src/services/redis/keys.js';
import { connectAllocationProfiler, inspectorUrl } from './alloc-profiler.js';
import { onCleanup, runBench } from './bench-process.js';
import { readOptions } from './options.js';
import { ROOT, startBareProxyProcess, startFakeUpstreamProcess, startRelayProcess } from './processes.js';
import { formatProfile, type ProfileSummary, summariseProfile } from './profile-summary.js';
import { startTripCounter } from './redis-trip-counter.js';
import {
  checkTargets,
  formatCpuTable,
  formatMachine,
  formatProblems,
  formatTable,
  formatTargets,
  machineInfo,
  writeJson,
} from './report.js';
import { createCommandLabeler } from './resp-commands.js';
import { type BenchContext, measureBaseline, runScenario, type ScenarioResult } from './scenarios.js';
import { checkOnce, deletePrefixed, provision } from './setup.js';
import { runSoak } from './soak.js';
import { startWatchdog } from './watchdog.js';

const KEY_PREFIX = 'bench:';
const METRICS_TOKEN = 'bench-scrape-token-0123456789';
const RESULTS_DIR = path.join(ROOT, 'bench/results');

const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const options = readOptions();
  const startedAt = new Date().toISOString();

  const watchdog = startWatchdog();
  onCleanup('watchdog', async () => watchdog.dismiss());

  const external = process.env.REDIS_URL;
  let redisUrl = external ?? '';
  let redisPid: number | undefined;
  if (!external) {
    const embedded = await startEmbeddedRedis({ bin: 'redis-server', persist: false });
    onCleanup('redis-server', () => embedded.stop());
    redisUrl = embedded.url;
    redisPid = embedded.pid;
    watchdog.watch(embedded.pid);
  }
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2, connectionName: 'bench' });
  await redis.connect();
  onCleanup('bench redis client', async () => void redis.disconnect());
  if (external) {
    log(
      `using REDIS_URL; deleting ${KEY_PREFIX}* keys before and after (commandstats include other clients)`,
    );
    await deletePrefixed(redis, KEY_PREFIX);
    onCleanup('bench keys', () => deletePrefixed(redis, KEY_PREFIX));
  }
  const redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
  const machine = machineInfo(redisVersion);
  log(formatMachine(machine));

  const fake = await startFakeUpstreamProcess();
  onCleanup('fake upstream', () => fake.stop());
  watchdog.watch(fake.pid);
  const proxy = await startBareProxyProcess(fake.url);
  onCleanup('bare proxy', () => proxy.stop());
  watchdog.watch(proxy.pid);

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'relay-bench-'));
  onCleanup('data dir', async () => rmSync(dataDir, { recursive: true, force: true }));
  const profileDir = options.profile
    ? path.join(RESULTS_DIR, 'profiles', startedAt.replace(/[:.]/g, '-'))
    : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const adminPassword = randomBytes(12).toString('base64url');
  // The measured relay talks to Redis directly, as in production, with the configured number of workers.
  const relay = await startRelayProcess({
    redisUrl,
    keyPrefix: KEY_PREFIX,
    dataDir,
    logLevel: options.logLevel,
    adminPassword,
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(profileDir ? { profileDir } : {}),
    env: {
      SERVER_ROLE: options.role,
      ...(options.relayNodeOptions ? { NODE_OPTIONS: options.relayNodeOptions } : {}),
      ...(options.metrics ? { METRICS_TOKEN } : {}),
    },
    fromSource: options.fromSource,
    inspect: options.allocProfile,
  });
  onCleanup('relay', () => relay.stop());
  const allocations = options.allocProfile ? await openAllocationProfiler(relay.stderr()) : undefined;
  if (allocations) onCleanup('allocation profiler', async () => allocations.close());
  watchdog.watch(relay.pid);
  log(
    `relay pid ${relay.pid} at ${relay.url} (LOG_LEVEL=${options.logLevel}, WORKERS=${options.workers ?? '1 (default)'},` +
      ` caller ${options.caller}, role ${options.role},` +
      `${options.relayNodeOptions ? ` NODE_OPTIONS ${options.relayNodeOptions},` : ''}` +
      ` ${options.fromSource ? 'from source through tsx' : 'compiled dist/'}); fake upstream at ${fake.url}`,
  );

  const callerHeaders = await provision({ url: redisUrl }, KEY_PREFIX, dataDir, fake.url, options.caller);
  await checkOnce(relay.url, callerHeaders);
  if (options.soakSec !== undefined) {
    await runSoak({
      relayUrl: relay.url,
      relayPid: relay.pid,
      relayLogs: relay.logs,
      pids: { relay: relay.pid, fake: fake.pid, redis: redisPid },
      callerHeaders,
      metricsToken: METRICS_TOKEN,
      redis,
      keyPrefix: KEY_PREFIX,
      soakSec: options.soakSec,
      warmupSec: options.warmupSec,
      resultsFile: path.join(RESULTS_DIR, 'soak-latest.json'),
      about: {
        startedAt,
        machine,
        options: { ...options, redis: external ? 'REDIS_URL' : 'throwaway redis-server' },
      },
      log,
    });
    return;
  }

  // Started only for the scenarios: a second relay on the same Redis would take a share of the soaked relay's
  // background jobs, and its traffic would run through the trip counter in this process.
  const target = new URL(redisUrl);
  // The counter reads RESP off the wire, which TLS would hide.
  if (target.protocol !== 'redis:') throw new Error('REDIS_URL must be redis:// for the trip counter');
  const trips = await startTripCounter({
    target: { host: target.hostname, port: Number(target.port || 6379) },
    label: createCommandLabeler(createKeys(KEY_PREFIX)),
  });
  onCleanup('trip counter', () => trips.close());
  // Same credentials and database as REDIS_URL, only the address changes to the counter's.
  const relayRedisUrl = new URL(redisUrl);
  relayRedisUrl.host = new URL(trips.url).host;

  // A one-process relay behind the trip counter, used only to count round trips per request.
  const countingRelay = await startRelayProcess({
    redisUrl: relayRedisUrl.toString(),
    keyPrefix: KEY_PREFIX,
    dataDir,
    logLevel: options.logLevel,
    adminPassword,
    workers: 1,
    fromSource: options.fromSource,
  });
  // Registered after the trip counter, so it stops first: the relay settles through the proxy on shutdown.
  onCleanup('counting relay', () => countingRelay.stop());
  watchdog.watch(countingRelay.pid);

  const ctx: BenchContext = {
    fakeUrl: fake.url,
    proxyUrl: proxy.url,
    relayUrl: relay.url,
    countingRelayUrl: countingRelay.url,
    callerHeaders,
    relayPid: relay.pid,
    pids: { relay: relay.pid, proxy: proxy.pid, fake: fake.pid, redis: redisPid },
    trips,
    redis,
    durationSec: options.durationSec,
    warmupSec: options.warmupSec,
    ...(allocations ? { allocations } : {}),
    settleMs: 1000,
    log,
  };
  log(`idle baseline (${options.durationSec + 1} s)`);
  const baseline = await measureBaseline(ctx);
  const results: ScenarioResult[] = [];
  for (const mode of options.modes) {
    for (const connections of options.connections)
      results.push(await runScenario(ctx, baseline, mode, connections));
  }

  log('');
  log(formatTable(results));
  log('\nCPU, percent of one core, during the measured runs (bench = autocannon + trip counter):');
  log(formatCpuTable(results));
  const targets = checkTargets(results);
  log('\ntargets (from the issue):');
  log(formatTargets(targets));
  for (const result of results) {
    if (result.allocations)
      log(`\nallocations of the relay, ${result.mode} c=${result.connections}:\n${result.allocations}`);
  }
  const problems = formatProblems(results);
  log(problems ? `\nNON-2XX RESPONSES OR ERRORS:\n${problems}` : '\nall responses 2xx, no connection errors');
  log(`relay log: ${relay.logs.lines} lines, ${relay.logs.warnings} warnings, ${relay.logs.errors} errors`);
  for (const sample of relay.logs.samples) log(`  ${sample}`);

  let profile: ProfileSummary | undefined;
  if (profileDir) {
    log('\nstopping the relay to write its CPU profile…');
    await relay.stop();
    const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
    if (file) {
      profile = summariseProfile(
        path.join(profileDir, file),
        results.map((result) => result.relayWindow),
      );
      log(formatProfile(profile));
    } else log(`no .cpuprofile was written to ${profileDir}`);
  }

  const output = path.join(RESULTS_DIR, 'latest.json');
  writeJson(output, {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine,
    options: { ...options, redis: external ? 'REDIS_URL' : 'throwaway redis-server' },
    baseline: {
      windowSec: baseline.windowSec,
      turnsPerSec: baseline.turnsPerSec,
      requestPathTurnsPerSec: baseline.requestPathTurnsPerSec,
      commandsPerSec: baseline.commandsPerSec,
      calls: baseline.calls,
      signatures: baseline.trips.signatures,
    },
    scenarios: results,
    targets,
    relayLogs: relay.logs,
    profile,
  });
  log(`\nraw results: ${path.relative(ROOT, output)}`);
}

/** The inspector prints its URL as it opens, before the relay logs that it listens. */
async function openAllocationProfiler(stderr: string) {
  const url = inspectorUrl(stderr);
  if (!url) throw new Error(`the relay did not open its inspector; stderr:\n${stderr}`);
  return connectAllocationProfiler(url);
}

runBench(main);
