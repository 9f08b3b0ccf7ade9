// The audit log: who did what to what, and when, for every control-plane mutation; kept in a Redis stream
// (bounded), newest first when read. Entries carry before/after views that the caller has stripped of secrets.
import { z } from 'zod';
import type { RedisContext } from '../redis/record-store.js';

const jsonValue: z.ZodType<unknown> = z.unknown();

export const auditEntrySchema = z.object({
  id: z.string(),
  at: z.number().int(),
  /** User id, or "system" for the relay's own actions. */
  actor: z.string(),
  /** `<area>.<verb>`, e.g. `api_key.create`, `auth.login`. */
  action: z.string(),
  target: z.string(),
  before: jsonValue.optional(),
  after: jsonValue.optional(),
  detail: jsonValue.optional(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export type AuditInput = Omit<AuditEntry, 'id' | 'at'>;

export interface AuditQuery {
  actor?: string;
  /** Exact action, or a prefix ending in `.` (`api_key.`). */
  action?: string;
  target?: string;
  limit?: number;
  /** The id of the last entry of the previous page. */
  cursor?: string;
}

/** `AuditQuery` as callers send it; the cursor is a stream id from a previous page's `nextCursor`. */
export const auditQuerySchema = z.object({
  actor: z.string().min(1).max(100).optional(),
  action: z.string().min(1).max(100).optional(),
  target: z.string().min(1).max(200).optional(),
  limit: z.number().int().min(1).max(500).optional(),
  cursor: z
    .string()
    .regex(/^\d+-\d+$/, { error: 'must be a cursor from nextCursor' })
    .optional(),
}) satisfies z.ZodType<AuditQuery>;

const MAX_ENTRIES = 100_000;
/** Entries read per round trip while filtering. */
const SCAN_BATCH = 200;

export class AuditLog {
  constructor(
    private readonly context: RedisContext,
    private readonly now: () => number = Date.now,
  ) {}

  async record(input: AuditInput): Promise<void> {
    const entry = { ...input, at: this.now() };
    await this.context.redis.xadd(
      this.context.keys.auditStream(),
      'MAXLEN',
      '~',
      MAX_ENTRIES,
      '*',
      'e',
      JSON.stringify(entry),
    );
  }

  /** Newest first, filtered, one page; `nextCursor` continues after the page's last entry. */
  async list(query: AuditQuery = {}): Promise<{ items: AuditEntry[]; nextCursor?: string }> {
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
    const items: AuditEntry[] = [];
    let end = query.cursor ? `(${query.cursor}` : '+';
    for (;;) {
      const batch = await this.context.redis.xrevrange(
        this.context.keys.auditStream(),
        end,
        '-',
        'COUNT',
        SCAN_BATCH,
      );
      for (const [id, fields] of batch) {
        const entry = parseEntry(id, fields);
        if (entry && matches(entry, query)) items.push(entry);
        if (items.length === limit) {
          return { items, nextCursor: id };
        }
      }
      const last = batch.at(-1);
      if (batch.length < SCAN_BATCH || !last) return { items };
      end = `(${last[0]}`;
    }
  }
}

function parseEntry(id: string, fields: string[]): AuditEntry | undefined {
  const raw = fields[1];
  if (fields[0] !== 'e' || raw === undefined) return undefined;
  const parsed = auditEntrySchema.safeParse({ ...JSON.parse(raw), id });
  return parsed.success ? parsed.data : undefined;
}

function matches(entry: AuditEntry, query: AuditQuery): boolean {
  if (query.actor !== undefined && entry.actor !== query.actor) return false;
  if (query.target !== undefined && entry.target !== query.target) return false;
  if (query.action !== undefined) {
    const prefix = query.action.endsWith('.');
    if (prefix ? !entry.action.startsWith(query.action) : entry.action !== query.action) return false;
  }
  return true;
}
