// The archive's day partitions: created before a batch needs them, dropped when older than the retention.
import type pg from 'pg';
import { inTransaction } from './archive-transaction.js';

export const DAY_MS = 86_400_000;

/** The UTC day an instant falls in, as the ms its day starts. */
export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** `request_log_20261122`: built from a number only, so it is safe to put in DDL. */
export function partitionName(day: number): string {
  return `request_log_${new Date(dayOf(day)).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

const PARTITION_NAME = /^request_log_(\d{4})(\d{2})(\d{2})$/;

/**
 * Serialises partition changes between instances: `CREATE TABLE IF NOT EXISTS` alone is not race-free (two
 * sessions may both find the name free, and one fails on the catalog's unique index).
 */
const PARTITION_LOCK = 5_829_310_466_142_208;

/**
 * DDL on a partition locks the parent; waiting longer than this behind readers is worse than trying later.
 */
const DDL_LOCK_TIMEOUT = '5s';

export class ArchivePartitions {
  /** Days known to have a partition on this instance: creating is checked once per day, not per batch. */
  private readonly known = new Set<number>();

  constructor(private readonly pool: pg.Pool) {}

  /** Creates the partitions of these days (ms within each day) that do not exist yet. */
  async ensure(instants: Iterable<number>): Promise<void> {
    const missing = [...new Set([...instants].map(dayOf))].filter((day) => !this.known.has(day));
    if (missing.length === 0) return;
    await this.underLock(async (client) => {
      for (const day of missing) {
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${partitionName(day)} PARTITION OF request_log
             FOR VALUES FROM (${day}) TO (${day + DAY_MS})`,
        );
      }
    });
    for (const day of missing) this.known.add(day);
  }

  /** Forgets what it knew, after an insert found a partition missing (dropped by hand, a restored backup). */
  forget(): void {
    this.known.clear();
  }

  /** The existing day partitions, oldest first, by the ms their day starts. */
  async days(): Promise<number[]> {
    const { rows } = await this.pool.query<{ name: string }>(
      `SELECT child.relname AS name FROM pg_inherits
         JOIN pg_class child ON child.oid = pg_inherits.inhrelid
        WHERE pg_inherits.inhparent = 'request_log'::regclass`,
    );
    return rows
      .flatMap(({ name }) => {
        const match = PARTITION_NAME.exec(name);
        return match ? [Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))] : [];
      })
      .sort((a, b) => a - b);
  }

  /** Drops every partition whose whole day ends by `cutoff` (the start of a day); returns their days. */
  async dropBefore(cutoff: number): Promise<number[]> {
    const expired = (await this.days()).filter((day) => day + DAY_MS <= cutoff);
    if (expired.length === 0) return [];
    await this.underLock(async (client) => {
      for (const day of expired) await client.query(`DROP TABLE IF EXISTS ${partitionName(day)}`);
    });
    for (const day of expired) this.known.delete(day);
    return expired;
  }

  private underLock(change: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    return inTransaction(this.pool, async (client) => {
      await client.query(`SET LOCAL lock_timeout = '${DDL_LOCK_TIMEOUT}'`);
      await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
      await change(client);
    });
  }
}
