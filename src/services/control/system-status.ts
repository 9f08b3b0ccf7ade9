// What an operator checks first: this instance, Redis, how much is configured, and whether the ledger's
// rollups keep up. Readers only; a ping, one pipeline and INFO.

import { SERVER_VERSION } from '../../version.js';
import type { Principal } from '../auth/auth-service.js';
import type { JobStatus } from '../jobs/job-status.js';
import type { RedisContext } from '../redis/record-store.js';
import { crossSlotPipeline } from '../redis/slot-spanning.js';
import type { SettlerStatus } from '../usage/usage-settler.js';
import { READERS, requireRole } from './roles.js';

export interface SystemStatus {
  version: string;
  /** When this instance started, ms since the epoch. */
  startedAt: number;
  redis: { version: string; usedMemoryBytes: number; pingMs: number };
  counts: { users: number; apiKeys: number; accounts: number; accountGroups: number; ledgerEntries: number };
  /** How far the usage rollups trail the ledger, in ms of ledger time (0 when caught up). */
  rollupLagMs: number;
  /** Requests recorded with no known price (cost 0), and the latest such models, newest first. */
  unpriced: { requests: number; models: string[] };
  /** This instance's settles waiting for Redis, and those dropped because that queue was full. */
  settles: SettlerStatus;
  /** This instance's background jobs. */
  jobs: JobStatus[];
}

export class SystemStatusService {
  private readonly startedAt = Date.now();

  constructor(
    private readonly context: RedisContext,
    private readonly settler: { status(): SettlerStatus },
    private readonly jobs: () => JobStatus[],
  ) {}

  async status(actor: Principal): Promise<SystemStatus> {
    requireRole(actor, READERS);
    const { redis, keys } = this.context;
    const pingStarted = performance.now();
    await redis.ping();
    const pingMs = performance.now() - pingStarted;
    const [counts, info] = await Promise.all([
      crossSlotPipeline(redis)
        .zcard(keys.usersIndex())
        .zcard(keys.apiKeysIndex())
        .zcard(keys.accountsIndex())
        .zcard(keys.accountGroupsIndex())
        .xlen(keys.ledgerStream())
        .get(keys.usageCursor())
        .xrevrange(keys.ledgerStream(), '+', '-', 'COUNT', 1)
        .get(keys.ledgerUnpricedCount())
        .zrevrange(keys.ledgerUnpricedModels(), 0, 19)
        .exec(),
      redis.info('server').then(async (server) => ({ server, memory: await redis.info('memory') })),
    ]);
    const value = (index: number) => counts?.[index]?.[1];
    const cursor = value(5);
    const newest = value(6) as Array<[string, string[]]> | undefined;
    return {
      version: SERVER_VERSION,
      startedAt: this.startedAt,
      redis: {
        version: infoField(info.server, 'redis_version') ?? 'unknown',
        usedMemoryBytes: Number(infoField(info.memory, 'used_memory') ?? 0),
        pingMs: Math.round(pingMs * 100) / 100,
      },
      counts: {
        users: Number(value(0) ?? 0),
        apiKeys: Number(value(1) ?? 0),
        accounts: Number(value(2) ?? 0),
        accountGroups: Number(value(3) ?? 0),
        ledgerEntries: Number(value(4) ?? 0),
      },
      rollupLagMs: lagMs(typeof cursor === 'string' ? cursor : undefined, newest?.[0]?.[0]),
      unpriced: {
        requests: Number(value(7) ?? 0),
        models: (Array.isArray(value(8)) ? (value(8) as unknown[]) : []).map(String),
      },
      settles: this.settler.status(),
      jobs: this.jobs(),
    };
  }
}

function infoField(info: string, name: string): string | undefined {
  const line = info.split('\r\n').find((candidate) => candidate.startsWith(`${name}:`));
  return line?.slice(name.length + 1);
}

/** Stream ids start with their append time in ms. */
function lagMs(cursor: string | undefined, newest: string | undefined): number {
  if (newest === undefined || cursor === newest) return 0;
  const time = (id: string | undefined) => Number(id?.split('-')[0] ?? 0);
  return Math.max(0, time(newest) - time(cursor));
}
