// Cursor pagination over a sorted-set index, newest (highest score) first, stable across inserts and deletes.

import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import type { RedisClient } from './connection.js';
import { getMany } from './slot-spanning.js';

export interface IndexPage {
  ids: string[];
  nextCursor: string | undefined;
}

/**
 * The cursor is the (score, member) of the last item shown. Members sharing a score come back in reverse
 * lexicographic order, so on the next page those at or above the cursor's member were already shown.
 */
export async function pageByScore(
  redis: RedisClient,
  index: string,
  limit: number,
  cursor?: string,
): Promise<IndexPage> {
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  const max = after ? String(after.score) : '+inf';
  // Fetch a few extra to step over same-score members already shown, plus one to know whether more exist.
  const raw = await redis.zrange(index, max, '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, limit + 64, 'WITHSCORES');
  const ids: string[] = [];
  let last: { score: number; id: string } | undefined;
  let more = false;
  for (let position = 0; position + 1 < raw.length; position += 2) {
    const id = raw[position] ?? '';
    const score = Number(raw[position + 1]);
    if (after && score === after.score && id >= after.id) continue;
    if (ids.length === limit) {
      more = true;
      break;
    }
    ids.push(id);
    last = { score, id };
  }
  return { ids, nextCursor: more && last ? encodeCursor(last.score, last.id) : undefined };
}

/** A page request as the control plane takes it; `limit` has the bounds `pageOfRecords` applies. */
export const pageQuerySchema = z.object({
  limit: z.number().int().min(1).max(500).optional(),
  cursor: z.string().min(1).max(200).optional(),
});
export type PageQuery = z.input<typeof pageQuerySchema>;

export interface RecordPage<T> {
  items: T[];
  nextCursor?: string;
}

/** A page of JSON records indexed by a sorted set: the ids, then the records in one MGET. */
export async function pageOfRecords<T>(
  redis: RedisClient,
  index: string,
  options: { limit?: number; cursor?: string },
  keyOf: (id: string) => string,
  parse: (raw: string) => T,
): Promise<RecordPage<T>> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
  const page = await pageByScore(redis, index, limit, options.cursor);
  const raws = await getMany(redis, page.ids.map(keyOf));
  // A record deleted between the two reads is skipped rather than shown as a hole.
  const items = raws.flatMap((raw) => (raw ? [parse(raw)] : []));
  return page.nextCursor ? { items, nextCursor: page.nextCursor } : { items };
}

function encodeCursor(score: number, id: string): string {
  return Buffer.from(JSON.stringify([score, id])).toString('base64url');
}

function decodeCursor(cursor: string): { score: number; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') {
      return { score: value[0], id: value[1] };
    }
  } catch {
    // Falls through to the error below.
  }
  throw new AppError('invalid_request', 'Invalid pagination cursor', { details: { field: 'cursor' } });
}
