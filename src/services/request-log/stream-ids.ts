// Ledger stream ids (`<ms>-<seq>`): the request log's order and its page cursors, in Redis and the archive alike.
import { AppError } from '../../errors/app-error.js';

export interface StreamId {
  ms: number;
  seq: number;
}

const STREAM_ID = /^(\d{1,15})-(\d{1,15})$/;

export function parseStreamId(id: string): StreamId | undefined {
  const match = STREAM_ID.exec(id);
  if (!match) return undefined;
  return { ms: Number(match[1]), seq: Number(match[2]) };
}

/** A page cursor from a client: a stream id, or a 400 naming the argument. */
export function cursorOf(cursor: string | undefined, field = 'after'): StreamId | undefined {
  if (cursor === undefined) return undefined;
  const id = parseStreamId(cursor);
  if (!id) throw new AppError('invalid_request', 'Invalid pagination cursor', { details: { field } });
  return id;
}

export function formatStreamId(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

/** Negative when `a` comes first. */
export function compareStreamIds(a: StreamId, b: StreamId): number {
  return a.ms - b.ms || a.seq - b.seq;
}
