// What every Redis-outage test checks after the outage: the refusals were fast 503s in Anthropic's format, and
// the books balance (each request the upstream served has one ledger entry, charged once, nothing held).
import { expect } from 'vitest';
import type { FakeUpstream } from './fake-upstream/index.js';
import type { TestRelay } from './relay.js';
import type { StreamedResponse } from './sse-client.js';

export function expectRefusedFast(responses: ReadonlyArray<StreamedResponse & { ms: number }>): void {
  for (const response of responses) {
    expect(response.status).toBe(503);
    expect(JSON.parse(response.text)).toMatchObject({
      type: 'error',
      error: { type: 'api_error', code: 'store_unavailable' },
    });
    expect(response.headers['retry-after']).toBe('1');
    expect(response.headers['x-should-retry']).toBe('true');
    // Bounded by the command timeout (750 ms), not by reconnects or a failover; generous for a loaded machine.
    expect(response.ms).toBeLessThan(2000);
  }
}

/** Every request the upstream served has exactly one ledger entry, and the key was charged exactly that. */
export async function expectBooksBalance(relay: TestRelay, fake: FakeUpstream, keyId: string): Promise<void> {
  await relay.server.app.idle();
  const { settler, admission } = relay.server.services;
  // Settles and given-back admissions that met the outage (or a slot half moved) are retried every second.
  await expect.poll(() => settler.status().queued + admission.releasesQueued, { timeout: 15_000 }).toBe(0);
  await settler.drain();
  const served = fake.requests.filter((request) => request.path === '/v1/messages').length;
  const entries = (await relay.server.services.requestLog.recent(10_000)).filter(
    (entry) => entry.keyId === keyId,
  );
  expect(entries).toHaveLength(served);
  expect(new Set(entries.map((entry) => entry.requestId)).size).toBe(served);
  const { redis: client, keys } = relay.server.services.context;
  const day = new Date().toISOString().slice(0, 10);
  const charged = Number(await client.get(`${keys.apiKeySlotPrefix(keyId)}spend:day:${day}`));
  expect(charged).toBe(entries.reduce((sum, entry) => sum + entry.costMicros, 0));
  expect(await client.hlen(keys.keyClaims(keyId))).toBe(0);
  expect(await client.zcard(keys.keyLeases(keyId))).toBe(0);
}
