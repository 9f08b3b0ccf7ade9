// `npm run bench:streams -- --streams 10000`: N slow streams (a real model's pace) held open through the relay at
// once, on throwaway services; proves none fails and none goes unrecorded, and states the relay's memory.

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { startEmbeddedRedis } from '../src/services/redis/embedded-redis.js';
import { createKeys } from '../src/services/redis/keys.js';
import { onCleanup, runBench } from './bench-process.js';
import { cpuPercent, sampleCpu } from './cpu.js';
import { ledgerMark, tallyLedger, waitForSettles } from './ledger-count.js';
import { machineBusyPercent, readCpuTicks, readTcpCounters, tcpDelta } from './machine-counters.js';
import { openFileLimit, sampleProcesses } from './process-files.js';
import { ROOT, readRssMb, startFakeUpstreamProcess, startRelayProcess } from './processes.js';
import { formatProfile, monotonicUs, summariseProfile, type Window } from './profile-summary.js';
import { formatMachine, machineInfo, writeJson } from './report.js';
import { checkOnce, provision } from './setup.js';
import { startStreamLoad } from './stream-load.js';
import { readStreamsOptions } from './streams-options.js';
import { failedStreams, formatSample, formatSummary, judge, type StreamSample } from './streams-report.js';
import { startWatchdog } from './watchdog.js';

const KEY_PREFIX = 'bench:';
const RESULTS_DIR = path.join(ROOT, 'bench/results');
const OUTPUT = path.join(RESULTS_DIR, 'streams-latest.json');
/** Settles are batched after each stream ends; this is ample for all of them to reach Redis. */
const SETTLE_WAIT_MS = 60_000;

const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const fileLimit = openFileLimit();
  const options = readStreamsOptions(fileLimit);
  const startedAt = new Date().toISOString();
  const watchdog = startWatchdog();
  onCleanup('watchdog', async () => watchdog.dismiss());

  const embedded = await startEmbeddedRedis({ bin: 'redis-server', persist: false });
  onCleanup('redis-server', () => embedded.stop());
  watchdog.watch(embedded.pid);
  const redis = new Redis(embedded.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    connectionName: 'bench',
  });
  await redis.connect();
  onCleanup('bench redis client', async () => void redis.disconnect());
  const machine = machineInfo(/redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown');
  log(formatMachine(machine));

  const fake = await startFakeUpstreamProcess({ chunks: options.deltas, eventDelayMs: options.intervalMs });
  onCleanup('fake upstream', () => fake.stop());
  watchdog.watch(fake.pid);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'relay-streams-'));
  onCleanup('data dir', async () => rmSync(dataDir, { recursive: true, force: true }));
  const profileDir = options.profile
    ? path.join(RESULTS_DIR, 'profiles', `streams-${startedAt.replace(/[:.]/g, '-')}`)
    : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const relay = await startRelayProcess({
    redisUrl: embedded.url,
    keyPrefix: KEY_PREFIX,
    dataDir,
    logLevel: options.logLevel,
    adminPassword: randomBytes(12).toString('base64url'),
    workers: options.workers,
    ...(profileDir ? { profileDir } : {}),
  });
  onCleanup('relay', () => relay.stop());
  watchdog.watch(relay.pid);
  log(
    `relay pid ${relay.pid} at ${relay.url}, WORKERS=${options.workers}; fake upstream at ${fake.url}: ` +
      `${options.deltas} text deltas, events ${options.intervalMs} ms apart (${options.streamMs / 1000} s a stream)`,
  );
  // Each stream holds the client's socket and the upstream's in the relay process serving it.
  log(
    `open files per process: ${fileLimit} (ulimit -n). A relay process holds 2 sockets a stream, so ` +
      `${options.streams.toLocaleString('en-US')} streams need ${options.workersNeeded} worker(s)` +
      (options.workers < options.workersNeeded
        ? ` — WORKERS=${options.workers} IS TOO FEW, expect failures`
        : ''),
  );

  const callerHeaders = await provision(
    { url: embedded.url },
    KEY_PREFIX,
    dataDir,
    fake.url,
    'key',
    options.streams,
  );
  await checkOnce(relay.url, callerHeaders);
  const keys = createKeys(KEY_PREFIX);
  // The smoke request's lease and entry are done with before the streams start: the key's limit is exactly N.
  await waitForSettles(redis, keys, SETTLE_WAIT_MS);
  const mark = await ledgerMark(redis, keys);
  const idleRssMb = readRssMb(relay.pid);

  const runId = `streams-${randomBytes(4).toString('hex')}`;
  const samples: StreamSample[] = [];
  const tcpBefore = readTcpCounters();
  const pids: Record<string, number | undefined> = { relay: relay.pid, fake: fake.pid, redis: embedded.pid };
  let cpuBefore = sampleCpu(pids);
  let ticksBefore = readCpuTicks();
  const window: Window = { startUs: monotonicUs(), endUs: 0 };
  log(
    `\nopening ${options.streams.toLocaleString('en-US')} streams, ${options.rate} a second ` +
      `(over ${options.rampMs / 1000} s; run ${runId}):`,
  );
  const load = startStreamLoad(
    {
      url: relay.url,
      headers: callerHeaders,
      streams: options.streams,
      rampMs: options.rampMs,
      deltas: options.deltas,
      // Only a backstop: on a machine shared with other work, opening can take minutes without anything being
      // stuck, while a stream that does get stuck is caught by its silence.
      deadlineMs: options.rampMs + 2 * options.streamMs + 300_000,
      stallMs: Math.max(30_000, 10 * options.intervalMs),
      runId,
    },
    (counts) => {
      const cpuNow = sampleCpu(pids);
      const ticksNow = readCpuTicks();
      const sample: StreamSample = {
        elapsedSec: counts.elapsedMs / 1000,
        started: counts.started,
        open: counts.open,
        completed: counts.completed,
        failed: failedStreams(counts),
        relayRssMb: readRssMb(relay.pid),
        relayProcesses: sampleProcesses(relay.pid),
        cpuPercent: cpuPercent(cpuBefore, cpuNow),
        machineBusyPercent: machineBusyPercent(ticksBefore, ticksNow),
        tcp: tcpDelta(tcpBefore, readTcpCounters()),
      };
      cpuBefore = cpuNow;
      ticksBefore = ticksNow;
      samples.push(sample);
      log(formatSample(sample));
    },
  );
  onCleanup('load generator', () => load.stop());
  pids.load = load.pid;
  const result = await load.done;
  window.endUs = monotonicUs();
  const tcp = tcpDelta(tcpBefore, readTcpCounters());

  log('waiting for the relay to record every request…');
  const settled = await waitForSettles(redis, keys, SETTLE_WAIT_MS);
  if (!settled) log(`some requests were still unrecorded after ${SETTLE_WAIT_MS / 1000} s`);
  const ledger = await tallyLedger(redis, keys, mark, runId);
  await sleep(1000);
  const afterRssMb = readRssMb(relay.pid);

  const defined = (values: Array<number | undefined>) => values.filter((value) => value !== undefined);
  const rss = defined(samples.map((sample) => sample.relayRssMb));
  const files = defined(samples.flatMap((sample) => sample.relayProcesses.map((member) => member.openFiles)));
  const mostOpenInSample = Math.max(0, ...samples.map((sample) => sample.open));
  const mostOpen = samples.find((sample) => sample.open === mostOpenInSample);
  const memory = {
    idleRssMb,
    peakRssMb: rss.length > 0 ? Math.max(...rss) : undefined,
    mostOpenRssMb: mostOpen?.relayRssMb,
    mostOpenInSample,
    afterRssMb,
    peakOpenFilesPerProcess: files.length > 0 ? Math.max(...files) : undefined,
  };
  const verdict = judge(options.streams, result, ledger);
  log('');
  log(
    formatSummary({
      streams: options.streams,
      workers: options.workers,
      load: result,
      memory,
      ledger,
      tcp,
      samples,
      verdict,
    }),
  );
  log(`  relay log: ${relay.logs.lines} lines, ${relay.logs.warnings} warnings, ${relay.logs.errors} errors`);
  for (const sample of relay.logs.samples) log(`    ${sample}`);

  writeJson(OUTPUT, {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine,
    fileLimit,
    options,
    verdict,
    load: result,
    memory,
    ledger,
    tcp,
    relayLogs: relay.logs,
    samples,
  });
  log(`\nraw results: ${path.relative(ROOT, OUTPUT)}`);
  if (profileDir) {
    log('\nstopping the relay to write its CPU profiles (one per process)…');
    await relay.stop();
    for (const file of readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile')))
      log(`\n${file}:\n${formatProfile(summariseProfile(path.join(profileDir, file), [window]))}`);
  }
  if (!verdict.passed) process.exitCode = 1;
}

runBench(main);
