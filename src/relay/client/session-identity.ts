// The conversation a request continues, as each client names it (CLIENTS.md "Session identity"): requests of
// one conversation are kept on one upstream account, where their prompt cache lives.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { firstElement, topLevelFields } from '../stream/json-scan.js';

const LEGACY_USER_ID = /^user_[0-9a-f]{64}_account_[0-9a-f-]*_session_([0-9a-f-]{36})$/;
/** Session ids are used in Redis key names: anything else is hashed rather than trusted. */
const SAFE_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

function text(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

function keyPart(id: string): string {
  return SAFE_ID.test(id) ? id : `h:${createHash('sha256').update(id).digest('base64url').slice(0, 32)}`;
}

/**
 * Claude Code's session id from `metadata.user_id`: a JSON string `{"device_id":…,"session_id":…}` in current
 * versions, `user_<hex>_account_<uuid>_session_<uuid>` in older ones. Undefined for any other user id.
 */
export function claudeCodeSessionId(userId: string | undefined): string | undefined {
  if (!userId) return undefined;
  const legacy = LEGACY_USER_ID.exec(userId);
  if (legacy) return legacy[1];
  if (!userId.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(userId);
    const session =
      typeof parsed === 'object' && parsed !== null
        ? (parsed as { session_id?: unknown }).session_id
        : undefined;
    return typeof session === 'string' && session !== '' ? session : undefined;
  } catch {
    return undefined;
  }
}

/** A session id a client sent as a header: Claude Code's, or Codex's `session-id`. */
export function headerSessionId(headers: IncomingHttpHeaders): string | undefined {
  return text(headers['x-claude-code-session-id']) ?? text(headers['session-id']);
}

/**
 * A stand-in session id for clients that send none: the hash of the request's cacheable prefix (the named
 * top-level fields, and the first element of `firstOf`). Every turn of a conversation repeats that prefix,
 * so its turns share the id; it is hashed from the client's bytes, without re-serialising anything.
 */
export function prefixSessionId(raw: Buffer, fields: readonly string[], firstOf: string): string | undefined {
  const ranges = topLevelFields(raw, [...fields, firstOf]);
  const hash = createHash('sha256');
  let seen = false;
  for (const name of fields) {
    const range = ranges.get(name);
    if (!range) continue;
    hash.update(name).update(raw.subarray(range.start, range.end));
    seen = true;
  }
  const list = ranges.get(firstOf);
  const first = list && firstElement(raw, list);
  if (first) {
    hash.update(firstOf).update(raw.subarray(first.start, first.end));
    seen = true;
  }
  return seen ? `p:${hash.digest('base64url').slice(0, 32)}` : undefined;
}

/** The first id available, in the order given, made safe for a key name. */
export function sessionKeyPart(...candidates: Array<string | undefined>): string | undefined {
  for (const candidate of candidates) if (candidate) return keyPart(candidate);
  return undefined;
}
