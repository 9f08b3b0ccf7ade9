// Assembles the request log: the query service over the Redis window, its retention job, body capture, and,
// when REQUEST_LOG_DATABASE_URL is set, the PostgreSQL archive (migrated at boot) with the job that feeds it.
import type pg from 'pg';
import type { Logger } from '../../lib/logger.js';
import type { JobStatus } from '../jobs/job-status.js';
import type { RedisContext } from '../redis/record-store.js';
import { RequestLogArchiver } from './archive/archive-job.js';
import { RequestLogArchive } from './archive/archive-query.js';
import { BODY_CAPTURE_OFF, BodyCapture, type BodyCaptureSettings } from './body-capture.js';
import { RequestLogService } from './request-log-service.js';
import { RequestLogRetention } from './retention-job.js';

export interface RequestLogSettings {
  /** The Redis window's size and age (undefined: size only). */
  maxEntries: number;
  maxAgeMs: number | undefined;
  bodyCapture?: BodyCaptureSettings | undefined;
  /** The archive; off when undefined. */
  archive?: { databaseUrl: string; retentionDays: number } | undefined;
}

export interface RequestLogParts {
  requestLog: RequestLogService;
  bodyCapture: BodyCapture;
  retention: RequestLogRetention;
  /** Present when the archive is on. */
  archiver: RequestLogArchiver | undefined;
  start(): void;
  stop(): Promise<void>;
  jobs(): JobStatus[];
}

export async function createRequestLog(
  context: RedisContext,
  settings: RequestLogSettings,
  logger: Logger,
): Promise<RequestLogParts> {
  let pool: pg.Pool | undefined;
  let archive: RequestLogArchive | undefined;
  let archiver: RequestLogArchiver | undefined;
  let migrating: { stop(): void } | undefined;
  if (settings.archive) {
    // Every instance may migrate; node-pg-migrate's lock lets one apply and the others find it done. A database
    // that is down at boot does not stop the relay: migrating is retried until it works, and until then the
    // archive's job reports its failures (system status, /ready) and queries past the Redis window answer 503.
    // Loaded only here: pg and node-pg-migrate add ~27 MB to a process, and most deployments run no archive.
    const { createArchivePool, migrateArchive } = await import('./archive/archive-db.js');
    const { databaseUrl } = settings.archive;
    migrating = migrateUntilDone(() => migrateArchive(databaseUrl, logger), logger);
    pool = createArchivePool(databaseUrl, logger);
    archive = new RequestLogArchive(pool);
    archiver = new RequestLogArchiver(context, pool, logger, {
      retentionDays: settings.archive.retentionDays,
    });
  }
  const requestLog = new RequestLogService(context, { maxAgeMs: settings.maxAgeMs }, archive);
  const held = archiver;
  const retention = new RequestLogRetention(
    context,
    {
      maxEntries: settings.maxEntries,
      maxAgeMs: settings.maxAgeMs,
      ...(held ? { archivedThrough: () => held.archivedThrough() } : {}),
    },
    logger,
  );
  return {
    requestLog,
    bodyCapture: new BodyCapture(context, settings.bodyCapture ?? BODY_CAPTURE_OFF),
    retention,
    archiver,
    start() {
      retention.start();
      archiver?.start();
    },
    async stop() {
      migrating?.stop();
      await retention.stop();
      await archiver?.stop();
      await pool?.end();
    },
    jobs: () => [retention.status(), ...(archiver ? [archiver.status()] : [])],
  };
}

const MIGRATE_RETRY_MS = 30_000;

/** Migrates now, and again every half minute while it fails; `stop` ends the retries. */
function migrateUntilDone(migrate: () => Promise<unknown>, logger: Logger): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const attempt = () => {
    migrate().catch((error: unknown) => {
      logger.error({ err: error }, 'request log archive: migrating PostgreSQL failed; retrying');
      if (!stopped) timer = setTimeout(attempt, MIGRATE_RETRY_MS).unref();
    });
  };
  attempt();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
