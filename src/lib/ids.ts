// Identifier generation: random, URL-safe, prefixed by kind so an id in a log says what it names.
import { randomBytes, randomUUID } from 'node:crypto';

export type IdKind = 'usr' | 'key' | 'acc' | 'grp' | 'fam';

export function newId(kind: IdKind): string {
  return `${kind}_${randomUUID().replaceAll('-', '')}`;
}

/** Random per process, so request ids stay unique across instances without a random draw per request. */
const PROCESS_TAG = randomBytes(6).toString('hex');
let requestCounter = 0;

/** `req_<process tag><counter>`: unique, sortable within a process, and cheap on the relay's hot path. */
export function newRequestId(): string {
  requestCounter += 1;
  return `req_${PROCESS_TAG}${requestCounter.toString(36).padStart(6, '0')}`;
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

/** Accepts a caller's request id only when it is short and inert enough to echo back and log. */
export function acceptableRequestId(value: unknown): value is string {
  return typeof value === 'string' && REQUEST_ID_PATTERN.test(value);
}
