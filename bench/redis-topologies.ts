// `npm run bench:topologies`: two relay instances under the same load on one Redis, then on a Redis Cluster of
// three primaries (each with a replica), in one run. On a machine whose cores the Redis nodes share with the
// relays this is not about speed-up: it checks that every request is served and recorded once on a cluster, and
// what a request costs Redis there (commands, CPU, and how evenly the primaries share them).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeEndpoint, hostPorts, isCluster, type RedisEndpoint } from '../src/lib/redis-endpoint.js';
import {
  closeRedis,
  createRedisClient,
  primaries,
  type RedisClient,
} from '../src/services/redis/connection.js';
import { startEmbeddedRedis } from '../src/services/redis/embedded-redis.js';
import { createKeys } from '../src/services/redis/keys.js';
import { decodeLedgerEntry } from '../src/services/usage/ledger-entry.js';
import { startClusterTopology } from '../test/support/redis-cluster.js';
import { onCleanup, runBench } from './bench-process.js';
import { readCommandCalls, sumCalls } from './command-stats.js';
import { type LoadResult, runLoad } from './load.js';
import { startFakeUpstreamProcess, startRelayProcess } from './processes.js';
import { checkOnce, provision } from './setup.js';

const KEY_PREFIX = 'bench:';
const CONNECTIONS_PER_RELAY = Number(process.env.BENCH_CONNECTIONS ?? 25);
const DURATION_SEC = Number(process.env.BENCH_DURATION ?? 15);
const log = (line: string) => process.stdout.write(`${line}\n`);

interface NodeCost {
  commands: number;
  cpuMs: number;
}

interface TopologyResult {
  name: string;
  loads: LoadResult[];
  served: number;
  ledgerEntries: number;
  /** Entries beyond the first for the same request: usage counted twice. */
  duplicates: number;
  leftOver: { keyClaims: number; ownerClaims: number; pending: number };
  nodes: NodeCost[];
}

async function main(): Promise<void> {
  const results: TopologyResult[] = [];
  const single = await startEmbeddedRedis({ bin: 'redis-server', persist: false });
  onCleanup('redis-server', () => single.stop());
  results.push(await measure('one Redis', { url: single.url }));
  await single.stop();
  const cluster = await startClusterTopology();
  onCleanup('redis cluster', () => cluster.stop());
  results.push(await measure('Redis Cluster, 3 primaries + 3 replicas', cluster.endpoint));
  await cluster.stop();
  log('');
  log(report(results));
}

/** Two relays on `endpoint`, each loaded by its own client, then the books and Redis's own counters read. */
async function measure(name: string, endpoint: RedisEndpoint): Promise<TopologyResult> {
  log(`${name}: ${describeEndpoint(endpoint)}`);
  const fake = await startFakeUpstreamProcess();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'relay-bench-topology-'));
  const modeEnv: Record<string, string> = isCluster(endpoint)
    ? { REDIS_CLUSTER_NODES: hostPorts(endpoint.nodes) }
    : { REDIS_URL: 'url' in endpoint ? endpoint.url : '' };
  const relayOptions = {
    redisUrl: '',
    keyPrefix: KEY_PREFIX,
    dataDir,
    logLevel: 'warn',
    adminPassword: randomBytes(12).toString('base64url'),
    workers: 1,
    env: modeEnv,
  };
  const relays = [await startRelayProcess(relayOptions), await startRelayProcess(relayOptions)];
  const client = await createRedisClient({ endpoint, name: 'bench' });
  try {
    // An owned key: each request also pays for its owner's side (per-user counters in the owner's slot).
    const headers = await provision(endpoint, KEY_PREFIX, dataDir, fake.url, 'owned-key');
    for (const relay of relays) await checkOnce(relay.url, headers);
    const keys = createKeys(KEY_PREFIX);
    const [newest] = await client.xrevrange(keys.ledgerStream(), '+', '-', 'COUNT', 1);
    const mark = newest?.[0] ?? '0-0';
    const before = await nodeCounters(client);
    const loads = await Promise.all(
      relays.map((relay) =>
        runLoad({
          baseUrl: relay.url,
          mode: 'non-stream',
          connections: CONNECTIONS_PER_RELAY,
          durationSec: DURATION_SEC,
          headers,
        }),
      ),
    );
    const served = loads.reduce((sum, load) => sum + (load.statusCodes['200'] ?? 0), 0);
    // Settles are written in batches after the responses: wait for the last before reading the books.
    const deadline = Date.now() + 30_000;
    while ((await client.zcard(keys.ledgerPending())) > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const after = await nodeCounters(client);
    const { entries: ledgerEntries, duplicates } = await countEntries(client, keys.ledgerStream(), mark);
    const keyId = (await client.zrange(keys.apiKeysIndex(), 0, 0))[0] ?? '';
    const userId = (await client.zrange(keys.usersIndex(), -1, -1))[0] ?? '';
    const leftOver = {
      keyClaims: await client.hlen(keys.keyClaims(keyId)),
      ownerClaims: await client.hlen(`${keys.userSpendPrefix(userId)}claims`),
      pending: await client.zcard(keys.ledgerPending()),
    };
    const nodes = [...after.entries()].map(([id, cost]) => ({
      commands: cost.commands - (before.get(id)?.commands ?? 0),
      cpuMs: cost.cpuMs - (before.get(id)?.cpuMs ?? 0),
    }));
    log(
      `  served ${served}, ledger entries ${ledgerEntries} (${duplicates} duplicates), left over ` +
        JSON.stringify(leftOver),
    );
    return { name, loads, served, ledgerEntries, duplicates, leftOver, nodes };
  } finally {
    await closeRedis(client);
    for (const relay of relays) await relay.stop();
    await fake.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The ledger entries written after `mark`, and how many of them repeat a request already recorded. */
async function countEntries(
  client: RedisClient,
  stream: string,
  mark: string,
): Promise<{ entries: number; duplicates: number }> {
  const seen = new Set<string>();
  let entries = 0;
  let from = `(${mark}`;
  for (;;) {
    const page = await client.xrange(stream, from, '+', 'COUNT', 1000);
    for (const [id, fields] of page) {
      entries += 1;
      seen.add(decodeLedgerEntry(id, fields).requestId);
    }
    const last = page[page.length - 1];
    if (!last || page.length < 1000) break;
    from = `(${last[0]}`;
  }
  return { entries, duplicates: entries - seen.size };
}

/** Commands and CPU so far of every primary (the one server, or each cluster primary), by node address. */
async function nodeCounters(client: RedisClient): Promise<Map<string, NodeCost>> {
  const counters = new Map<string, NodeCost>();
  for (const node of primaries(client)) {
    const cpu = await node.info('cpu');
    const seconds = (field: string) => Number(new RegExp(`^${field}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? 0);
    counters.set(`${node.options.host}:${node.options.port}`, {
      commands: sumCalls(await readCommandCalls(node)),
      cpuMs: (seconds('used_cpu_sys') + seconds('used_cpu_user')) * 1000,
    });
  }
  return counters;
}

function report(results: TopologyResult[]): string {
  const lines = [
    `Two relays (WORKERS=1 each), non-stream, ${CONNECTIONS_PER_RELAY} connections each for ${DURATION_SEC} s, owned key:`,
    '',
    '| Redis | req/s (both relays) | p50 / p99 ms | 200s seen by the load | ledger entries | duplicates | left over | commands / req | Redis CPU µs / req | commands / CPU per primary |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const result of results) {
    const rate = result.loads.reduce((sum, load) => sum + load.reqPerSec, 0);
    const p50 = Math.max(...result.loads.map((load) => load.latencyMs.p50));
    const p99 = Math.max(...result.loads.map((load) => load.latencyMs.p99));
    const commands = result.nodes.reduce((sum, node) => sum + node.commands, 0);
    const cpuMs = result.nodes.reduce((sum, node) => sum + node.cpuMs, 0);
    const percent = (part: number, whole: number) => `${Math.round((100 * part) / Math.max(1, whole))}%`;
    const share = result.nodes.map(
      (node) => `${percent(node.commands, commands)} / ${percent(node.cpuMs, cpuMs)}`,
    );
    const left = result.leftOver.keyClaims + result.leftOver.ownerClaims + result.leftOver.pending;
    lines.push(
      `| ${result.name} | ${Math.round(rate)} | ${p50.toFixed(1)} / ${p99.toFixed(1)} | ${result.served} | ` +
        `${result.ledgerEntries} | ${result.duplicates} | ${left} | ${(commands / Math.max(1, result.served)).toFixed(1)} | ` +
        `${Math.round((cpuMs * 1000) / Math.max(1, result.served))} | ${share.join(', ')} |`,
    );
  }
  return lines.join('\n');
}

runBench(main);
