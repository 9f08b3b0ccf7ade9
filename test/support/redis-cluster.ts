// A Redis Cluster of a test's own, from the same redis-server binary on free ports: three primaries, each with a
// replica that takes over its slots within a few seconds of the primary dying.
import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import type { ClusterEndpoint } from '../../src/lib/redis-endpoint.js';
import { hostPorts } from '../../src/lib/redis-endpoint.js';
import { failPrimary, freePort, isRunning, killAll, spawnRedisServer, until } from './redis-process.js';

/** How long the other nodes wait before they call an unanswering node failed and its replica takes over. */
const NODE_TIMEOUT_MS = 1000;
const PRIMARIES = 3;

export interface ClusterTopology {
  endpoint: ClusterEndpoint;
  /** The environment a relay is started with to use it. */
  env: Record<string, string>;
  /** The port of the primary serving `key`'s slot now. */
  primaryPortOf(key: string): Promise<number>;
  /**
   * SIGKILL to the primary serving `key`'s slot; resolves once it has exited, with `promoted`: the new
   * primary's port, once its replica serves the slot.
   */
  failPrimaryOf(key: string): Promise<{ promoted: Promise<number> }>;
  stop(): Promise<void>;
}

export async function startClusterTopology(): Promise<ClusterTopology> {
  const dir = mkdtempSync(path.join(tmpdir(), 'relay-cluster-'));
  const servers = new Map<number, ChildProcess>();
  const clients = new Map<number, Redis>();
  try {
    for (let index = 0; index < PRIMARIES * 2; index += 1) {
      const port = await freePort();
      // The cluster bus gets a free port of its own: the default (port + 10000) may be taken or out of range.
      const busPort = await freePort();
      const child = await spawnRedisServer([
        '--port',
        String(port),
        '--cluster-port',
        String(busPort),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        path.join(dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        String(NODE_TIMEOUT_MS),
        '--save',
        '',
        '--dir',
        dir,
        // A replica's first full sync starts at once instead of after the default five seconds' wait for others.
        '--repl-diskless-sync-delay',
        '0',
      ]);
      servers.set(port, child);
      const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
      client.on('error', () => {});
      await client.connect();
      clients.set(port, client);
    }
    const ports = [...servers.keys()];
    // redis-cli makes the first three primaries with the slots split evenly and the other three their replicas.
    await promisify(execFile)(process.env.REDIS_CLI_BIN ?? 'redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '1',
      '--cluster-yes',
    ]);
    // Usable once every node sees every slot served and each replica holds its primary's data (a replica
    // promoted before its first sync would start empty); polling is the only way to learn that.
    await until(async () => {
      for (const client of clients.values()) {
        if (!(await client.cluster('INFO')).includes('cluster_state:ok')) return false;
        const replication = await client.info('replication');
        if (replication.includes('role:slave') && !replication.includes('master_link_status:up'))
          return false;
      }
      return true;
    }, 30_000);

    const anyLive = () => {
      for (const [port, client] of clients) if (isRunning(servers.get(port))) return client;
      throw new Error('no node left');
    };
    const primaryPortOf = async (key: string) => {
      const client = anyLive();
      const slot = (await client.cluster('KEYSLOT', key)) as number;
      const range = (await client.cluster('SLOTS')).find(([from, to]) => slot >= from && slot <= to);
      const primary = range?.[2];
      if (!primary) throw new Error(`no node serves slot ${slot}`);
      return primary[1];
    };
    const endpoint: ClusterEndpoint = {
      nodes: ports.slice(0, PRIMARIES).map((port) => ({ host: '127.0.0.1', port })),
      tls: false,
    };
    return {
      endpoint,
      env: { REDIS_CLUSTER_NODES: hostPorts(endpoint.nodes) },
      primaryPortOf,
      async failPrimaryOf(key) {
        const oldPort = await primaryPortOf(key);
        clients.get(oldPort)?.disconnect();
        return failPrimary(servers.get(oldPort), oldPort, () => primaryPortOf(key));
      },
      stop: () => stopAll(),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }

  async function stopAll(): Promise<void> {
    for (const client of clients.values()) client.disconnect();
    await killAll(servers.values());
    rmSync(dir, { recursive: true, force: true });
  }
}
