// Identifier generation: random, URL-safe, prefixed by kind so an id in a log says what it names.
import { randomUUID } from 'node:crypto';

export type IdKind = 'usr' | 'key' | 'acc' | 'grp' | 'fam' | 'chn' | 'ntf' | 'alr' | 'dev' | 'spl';

export function newId(kind: IdKind): string {
  return `${kind}_${randomUUID().replaceAll('-', '')}`;
}

/**
 * `req_` + 122 random bits. A request id keys the request's concurrency lease, its cost reservation and its
 * ledger entry, and is shown on every response: it must be the relay's own and unguessable, so that no
 * client can pick one or predict another tenant's. randomUUID draws from a pooled entropy buffer, so this
 * stays cheap on the hot path.
 */
export function newRequestId(): string {
  return `req_${randomUUID().replaceAll('-', '')}`;
}

const CORRELATION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A client's own request id, kept only as a correlation field (logged, recorded in the ledger, echoed in
 * `x-client-request-id`) when it is short and inert enough to log and echo. It never names anything inside.
 */
export function acceptableCorrelationId(value: unknown): value is string {
  return typeof value === 'string' && CORRELATION_ID_PATTERN.test(value);
}
