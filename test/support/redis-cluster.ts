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
  /**
   * Moves `key`'s slot to another primary the way `redis-cli --cluster reshard` does, while the cluster serves:
   * the slot is marked migrating on its primary and importing on the other, its keys are moved `batch` at a time
   * with MIGRATE (between batches the slot's keys are split across the two nodes, and `between` runs), then the
   * slot is handed over. Throws if a key cannot move (MIGRATE refuses a key the target already has: one written
   * on both sides during the move).
   */
  migrateSlotOf(key: string, batch: number, between: () => Promise<void>): Promise<SlotMove>;
  stop(): Promise<void>;
}

export interface SlotMove {
  slot: number;
  from: number;
  to: number;
  /** Keys moved by MIGRATE. */
  moved: number;
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
      async migrateSlotOf(key, batch, between) {
        const from = await primaryPortOf(key);
        const source = clients.get(from);
        const slot = (await anyLive().cluster('KEYSLOT', key)) as number;
        const primaryPorts = (await anyLive().cluster('SLOTS')).flatMap((range) =>
          range[2] ? [range[2][1]] : [],
        );
        const to = primaryPorts.find((port) => port !== from);
        const target = to === undefined ? undefined : clients.get(to);
        if (!source || !target || to === undefined) throw new Error('no other primary to move to');
        const sourceId = String(await source.cluster('MYID'));
        const targetId = String(await target.cluster('MYID'));
        // The order redis-cli uses: importing first, so that no ASK redirection reaches a node not expecting it.
        await target.cluster('SETSLOT', slot, 'IMPORTING', sourceId);
        await source.cluster('SETSLOT', slot, 'MIGRATING', targetId);
        let moved = 0;
        for (;;) {
          const names = (await source.cluster('GETKEYSINSLOT', slot, batch)) as string[];
          if (names.length === 0) break;
          await source.migrate('127.0.0.1', to, '', 0, 5000, 'KEYS', ...names);
          moved += names.length;
          await between();
        }
        for (const port of new Set([to, from, ...primaryPorts]))
          await clients.get(port)?.cluster('SETSLOT', slot, 'NODE', targetId);
        return { slot, from, to, moved };
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
