// A Sentinel-managed Redis of a test's own, from the same redis-server binary on free ports: a primary, one
// replica and three Sentinels (quorum two) that fail over within a few seconds of the primary dying.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { SentinelEndpoint } from '../../src/lib/redis-endpoint.js';
import { failPrimary, freePort, killAll, spawnRedisServer, until } from './redis-process.js';

export const SENTINEL_NAME = 'relay-primary';
/** How long the Sentinels wait before they call an unanswering primary down. */
const DOWN_AFTER_MS = 1000;

export interface SentinelTopology {
  endpoint: SentinelEndpoint;
  /** The environment a relay is started with to use it. */
  env: Record<string, string>;
  /** The port of the primary the Sentinels name now. */
  primaryPort(): Promise<number>;
  /**
   * SIGKILL to the current primary (which serves every key); resolves once it has exited, with `promoted`: the
   * new primary's port, once the Sentinels name it.
   */
  failPrimaryOf(key: string): Promise<{ promoted: Promise<number> }>;
  stop(): Promise<void>;
}

export async function startSentinelTopology(): Promise<SentinelTopology> {
  const dir = mkdtempSync(path.join(tmpdir(), 'relay-sentinel-'));
  const servers = new Map<number, ChildProcess>();
  const children: ChildProcess[] = [];
  const clients: Redis[] = [];
  const node = async (args: string[]) => {
    const port = await freePort();
    // Its own directory: a replica writes the RDB of its full sync there (the working directory otherwise).
    const child = await spawnRedisServer([
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--dir',
      dir,
      ...args,
    ]);
    children.push(child);
    return { port, child };
  };
  try {
    // The replica's first full sync starts at once instead of after the default five seconds' wait for others.
    const primary = await node(['--repl-diskless-sync-delay', '0']);
    servers.set(primary.port, primary.child);
    const replica = await node(['--replicaof', '127.0.0.1', String(primary.port)]);
    servers.set(replica.port, replica.child);
    const sentinelPorts: number[] = [];
    for (let index = 0; index < 3; index += 1) {
      const port = await freePort();
      const file = path.join(dir, `sentinel-${port}.conf`);
      // Sentinel rewrites its config file as it learns the topology, so each needs a writable one of its own.
      writeFileSync(
        file,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${SENTINEL_NAME} 127.0.0.1 ${primary.port} 2`,
          `sentinel down-after-milliseconds ${SENTINEL_NAME} ${DOWN_AFTER_MS}`,
          `sentinel failover-timeout ${SENTINEL_NAME} 10000`,
          `sentinel parallel-syncs ${SENTINEL_NAME} 1`,
          '',
        ].join('\n'),
      );
      children.push(await spawnRedisServer([file, '--sentinel']));
      sentinelPorts.push(port);
      clients.push(new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 }));
    }
    await Promise.all(clients.map((client) => client.connect()));
    const replicaClient = new Redis({ port: replica.port, host: '127.0.0.1', lazyConnect: true });
    clients.push(replicaClient);
    await replicaClient.connect();
    // A failover needs the replica to hold the data (its first full sync done: a replica promoted before that
    // starts empty), and the Sentinels to know each other (they meet through the primary every two seconds) and
    // the replica; polling is the only way to learn that they have.
    await until(async () => {
      if (!(await replicaClient.info('replication')).includes('master_link_status:up')) return false;
      for (const client of clients.slice(0, 3)) {
        const peers = (await client.call('SENTINEL', 'SENTINELS', SENTINEL_NAME)) as unknown[];
        const replicas = (await client.call('SENTINEL', 'REPLICAS', SENTINEL_NAME)) as unknown[];
        if (peers.length < 2 || replicas.length < 1) return false;
      }
      return true;
    }, 30_000);

    const sentinel = clients[0] as Redis;
    const primaryPort = async () => {
      const address = (await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_NAME)) as
        | [string, string]
        | null;
      if (!address) throw new Error('the Sentinels name no primary');
      return Number(address[1]);
    };
    const endpoint: SentinelEndpoint = {
      sentinels: sentinelPorts.map((port) => ({ host: '127.0.0.1', port })),
      name: SENTINEL_NAME,
      tls: false,
    };
    return {
      endpoint,
      env: {
        REDIS_SENTINELS: sentinelPorts.map((port) => `127.0.0.1:${port}`).join(','),
        REDIS_SENTINEL_NAME: SENTINEL_NAME,
      },
      primaryPort,
      async failPrimaryOf() {
        const oldPort = await primaryPort();
        return failPrimary(servers.get(oldPort), oldPort, primaryPort);
      },
      stop: () => stopAll(),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }

  async function stopAll(): Promise<void> {
    for (const client of clients) client.disconnect();
    await killAll(children);
    rmSync(dir, { recursive: true, force: true });
  }
}
