// The request-log archive's PostgreSQL connections, and its schema brought up to date by node-pg-migrate.
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import type { Logger } from '../../../lib/logger.js';

export interface ArchivePoolOptions {
  /** Connections per instance: the archiver uses one at a time, queries the rest. */
  max?: number;
  /** Bounds every statement, so a stuck query cannot hold a connection (or the archiver's lock) forever. */
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/** Migrations are plain SQL (node-pg-migrate's `-- Up Migration` sections): no TypeScript loader involved. */
const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Our own bookkeeping table, so the archive can share a database with other node-pg-migrate users. */
export const MIGRATIONS_TABLE = 'request_log_migrations';

/**
 * The advisory lock two instances starting together take in turn, so the second finds the schema migrated.
 * Our own value, not node-pg-migrate's shared one: other applications' migrations never wait on ours.
 */
const MIGRATION_LOCK = 5_829_310_466_142_207;

export function createArchivePool(url: string, logger: Logger, options: ArchivePoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 4,
    application_name: 'llm-relay',
    statement_timeout: options.statementTimeoutMs ?? 15_000,
    // A transaction left open by a hung process would keep the cursor row locked for every other leader.
    idle_in_transaction_session_timeout: 60_000,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle connection the server drops (restart, failover) is reported here; unhandled, it ends the process.
  pool.on('error', (error) => logger.warn({ err: error }, 'request-log archive connection lost'));
  return pool;
}

/** Applies the migrations not yet applied; returns their names (none when the schema is current). */
export async function migrateArchive(url: string, logger: Logger): Promise<string[]> {
  const log = logger.child({ component: 'request-log-migrations' });
  const applied = await runner({
    // A connection of its own, without the pool's statement timeout: waiting for another instance's
    // migration to finish is expected here.
    databaseUrl: { connectionString: url, application_name: 'llm-relay:migrate' },
    dir: MIGRATIONS_DIR,
    migrationsTable: MIGRATIONS_TABLE,
    direction: 'up',
    singleTransaction: true,
    lockValue: MIGRATION_LOCK,
    advisoryLockMode: 'wait',
    logger: {
      debug: (message) => log.debug(message),
      info: (message) => log.debug(message),
      warn: (message) => log.warn(message),
      error: (message) => log.error(message),
    },
  });
  return applied.map((migration) => migration.name);
}
