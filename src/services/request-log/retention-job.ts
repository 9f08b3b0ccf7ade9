// Background job: holds the request log's Redis window to its stated size and age exactly. Appends trim only
// approximately (to within one stream node) because exact trimming on every settle costs; this pass, on one
// instance at a time, trims to the exact bounds, but never past an entry the rollups or the archive still need.
import type { Logger } from '../../lib/logger.js';
import type { JobStatus } from '../jobs/job-status.js';
import { LeaderLoop } from '../jobs/leader-loop.js';
import type { RedisContext } from '../redis/record-store.js';
import { compareStreamIds, formatStreamId, parseStreamId, type StreamId } from './stream-ids.js';

const MAX_TRIM_PER_PASS = 10_000;

export interface RetentionOptions {
  maxEntries: number;
  /** Entries written longer ago go; none when unset. */
  maxAgeMs: number | undefined;
  intervalMs?: number;
  lockTtlMs?: number;
  /** The archive's cursor: entries after it are not archived yet and must stay. Absent without an archive. */
  archivedThrough?: () => Promise<string | undefined>;
}

export class RequestLogRetention {
  private readonly loop: LeaderLoop;

  constructor(
    private readonly context: RedisContext,
    private readonly options: RetentionOptions,
    logger: Logger,
  ) {
    this.loop = new LeaderLoop(
      context,
      {
        name: 'request-log-retention',
        lock: 'request-log-retention',
        lockTtlMs: options.lockTtlMs ?? 15_000,
        intervalMs: options.intervalMs ?? 5_000,
      },
      {
        pass: async () => {
          await this.trimNow();
          return false;
        },
        failed: (error) => logger.error({ err: error }, 'request log retention failed; retrying'),
      },
    );
  }

  status(): JobStatus {
    return this.loop.status();
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass now (recorded as one): returns how many entries it removed. */
  trim(): Promise<number> {
    return this.loop.record(() => this.trimNow());
  }

  private async trimNow(): Promise<number> {
    const { redis, keys } = this.context;
    const stream = keys.ledgerStream();
    const floor = await this.keepFrom();
    let removed = 0;
    // Age: everything written before the cut goes (MINID keeps ids at or after it).
    if (this.options.maxAgeMs !== undefined) {
      const cut = lower({ ms: Date.now() - this.options.maxAgeMs, seq: 0 }, floor);
      removed += Number(await redis.xtrim(stream, 'MINID', '=', formatStreamId(cut)));
    }
    // Size: the oldest entries past the bound go, unless something still needs them.
    const excess = (await redis.xlen(stream)) - this.options.maxEntries;
    if (excess > 0) {
      // Appends keep the excess to about a stream node; a lowered bound is worked off a slice per pass.
      const oldest = await redis.xrange(stream, '-', '+', 'COUNT', Math.min(excess, MAX_TRIM_PER_PASS));
      const last = oldest[oldest.length - 1];
      const lastId = last && parseStreamId(last[0]);
      if (lastId) {
        const cut = lower({ ms: lastId.ms, seq: lastId.seq + 1 }, floor);
        removed += Number(await redis.xtrim(stream, 'MINID', '=', formatStreamId(cut)));
      }
    }
    return removed;
  }

  /** The oldest entry that must stay: the first one the rollups or the archive have not taken yet. */
  private async keepFrom(): Promise<StreamId | undefined> {
    const { redis, keys } = this.context;
    const [rollups, archived] = await Promise.all([
      redis.get(keys.usageCursor()),
      this.options.archivedThrough?.() ?? Promise.resolve(undefined),
    ]);
    let floor: StreamId | undefined;
    for (const cursor of [rollups ?? '0-0', ...(this.options.archivedThrough ? [archived ?? '0-0'] : [])]) {
      const id = parseStreamId(cursor);
      if (!id) continue;
      const next = { ms: id.ms, seq: id.seq + 1 };
      if (!floor || compareStreamIds(next, floor) < 0) floor = next;
    }
    return floor;
  }
}

function lower(a: StreamId, b: StreamId | undefined): StreamId {
  return b && compareStreamIds(b, a) < 0 ? b : a;
}
