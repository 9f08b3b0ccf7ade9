// Each channel's delivery log: one entry per attempt (outcome, HTTP status or error, duration), newest first,
// in a Redis stream capped per channel; written by the completion script, read here a page at a time.
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import type { RedisContext } from '../redis/record-store.js';
import { NOTIFICATION_TYPES, SEVERITIES } from './notification.js';

export const DELIVERY_OUTCOMES = ['delivered', 'retrying', 'failed'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

export const deliveryLogEntrySchema = z.object({
  deliveryId: z.string(),
  channelId: z.string(),
  /** When the attempt finished, ms. */
  at: z.number().int(),
  status: z.enum(DELIVERY_OUTCOMES),
  /** 1 for the first attempt. */
  attempt: z.number().int(),
  /** The receiver's HTTP status, when it answered. */
  httpStatus: z.number().int().optional(),
  /** What went wrong, with no secret in it (never a webhook URL or a token). */
  error: z.string().optional(),
  durationMs: z.number(),
  /** When the next attempt is due, for `retrying`. */
  nextAttemptAt: z.number().int().optional(),
  notification: z.object({
    id: z.string(),
    type: z.enum(NOTIFICATION_TYPES),
    severity: z.enum(SEVERITIES),
    title: z.string(),
  }),
});
export type DeliveryLogEntry = z.infer<typeof deliveryLogEntrySchema>;

/** Stored with the entry id as read; the id is the page cursor. */
export type DeliveryLogItem = DeliveryLogEntry & { id: string };

const cursorSchema = z
  .string()
  .regex(/^\d+-\d+$/, { error: 'must be a cursor from nextCursor' })
  .optional();

export class DeliveryLog {
  constructor(private readonly context: RedisContext) {}

  /** Newest first; `nextCursor` continues after the page's last entry. */
  async list(
    channelId: string,
    options: { limit?: number; cursor?: string } = {},
  ): Promise<{ items: DeliveryLogItem[]; nextCursor?: string }> {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
    const cursor = cursorSchema.safeParse(options.cursor);
    if (!cursor.success) {
      throw new AppError('invalid_request', 'cursor: must be a cursor from nextCursor', {
        details: { field: 'cursor' },
      });
    }
    const end = cursor.data ? `(${cursor.data}` : '+';
    const batch = await this.context.redis.xrevrange(
      this.context.keys.notifyLog(channelId),
      end,
      '-',
      'COUNT',
      limit + 1,
    );
    const items: DeliveryLogItem[] = [];
    for (const [id, fields] of batch.slice(0, limit)) {
      const entry = parseEntry(fields);
      if (entry) items.push({ ...entry, id });
    }
    const last = batch[limit - 1];
    return batch.length > limit && last ? { items, nextCursor: last[0] } : { items };
  }
}

function parseEntry(fields: string[]): DeliveryLogEntry | undefined {
  const raw = fields[1];
  if (fields[0] !== 'e' || raw === undefined) return undefined;
  try {
    const parsed = deliveryLogEntrySchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
