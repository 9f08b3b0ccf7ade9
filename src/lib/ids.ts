// Identifier generation: random, URL-safe, prefixed by kind so an id in a log says what it names.
import { randomUUID } from 'node:crypto';

export type IdKind = 'usr' | 'key' | 'acc' | 'grp' | 'req';

export function newId(kind: IdKind): string {
  return `${kind}_${randomUUID().replaceAll('-', '')}`;
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

/** Accepts a caller's request id only when it is short and inert enough to echo back and log. */
export function acceptableRequestId(value: unknown): value is string {
  return typeof value === 'string' && REQUEST_ID_PATTERN.test(value);
}
