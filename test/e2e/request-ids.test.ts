// Request ids are the relay's own: a client's x-request-id is only echoed and recorded for correlation, so it
// can neither merge requests in the ledger, slip past a concurrency limit, nor touch another tenant's request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../support/fake-upstream/index.js';
import {
  createKey,
  type RelayWithAccount,
  settled,
  startRelayWithAccount,
  type TestRelay,
} from '../support/relay.js';
import { openStream, postJson } from '../support/sse-client.js';

const BODY = { model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };

describe('request ids', () => {
  let setup: RelayWithAccount;
  let fake: FakeUpstream;
  let relay: TestRelay;

  beforeAll(async () => {
    setup = await startRelayWithAccount();
    ({ fake, relay } = setup);
  });
  afterAll(() => setup.stop());

  const ledgerOf = async (keyId: string) =>
    (await relay.server.services.requestLog.recent(1000)).filter((entry) => entry.keyId === keyId);

  it('records and bills 20 requests that share one client id as 20 requests', async () => {
    const { key, plaintext } = await createKey(relay, { limits: { dailyCostMicros: 10_000_000 } });
    const headers = { 'x-api-key': plaintext, 'x-request-id': 'same-id-every-time' };
    const responses = [];
    for (let index = 0; index < 20; index += 1) {
      responses.push(await postJson(`${relay.url}/v1/messages`, BODY, headers));
    }
    await settled(relay);
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    const ids = responses.map((response) => String(response.headers['x-request-id']));
    expect(new Set(ids).size).toBe(20);
    for (const response of responses) {
      expect(response.headers['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/);
      expect(response.headers['x-client-request-id']).toBe('same-id-every-time');
    }
    const entries = await ledgerOf(key.id);
    expect(entries).toHaveLength(20);
    expect(entries.map((entry) => entry.requestId).sort()).toEqual([...ids].sort());
    expect(entries.every((entry) => entry.clientRequestId === 'same-id-every-time')).toBe(true);
    const cost = entries.reduce((sum, entry) => sum + entry.costMicros, 0);
    expect(cost).toBe(20 * (entries[0]?.costMicros ?? 0));
    const usage = await relay.server.services.admission.usage(key);
    expect(usage.costs.find((limit) => limit.name === 'daily')?.spentMicros).toBe(cost);
  });

  it('holds a concurrency limit of 2 against 10 concurrent streams that share one client id', async () => {
    const { key, plaintext } = await createKey(relay, { limits: { concurrency: 2 } });
    fake.setDefault({ stallAfterEvents: 3 });
    try {
      const headers = { 'x-api-key': plaintext, 'x-request-id': 'shared-stream-id' };
      const streams = Array.from({ length: 10 }, () =>
        openStream(`${relay.url}/v1/messages`, { ...BODY, stream: true }, headers),
      );
      const statuses = await Promise.all(streams.map((stream) => stream.status));
      expect(statuses.filter((status) => status === 200)).toHaveLength(2);
      expect(statuses.filter((status) => status === 429)).toHaveLength(8);
      for (const stream of streams) stream.abort();
      await Promise.all(streams.map((stream) => stream.done));
    } finally {
      fake.setDefault({});
    }
    await settled(relay);
    const { redis, keys } = relay.server.services.context;
    expect(await redis.zcard(keys.keyLeases(key.id))).toBe(0);
    expect(await redis.hlen(keys.keyClaims(key.id))).toBe(0);
  });

  it("cannot keep another tenant's request out of the ledger by reusing its id", async () => {
    const victim = await createKey(relay, { name: 'victim' });
    const attacker = await createKey(relay, { name: 'attacker' });
    const victimStream = openStream(
      `${relay.url}/v1/messages`,
      { ...BODY, stream: true },
      { 'x-api-key': victim.plaintext },
    );
    const victimId = String((await victimStream.headers)['x-request-id']);
    // The attacker replays the victim's id (shown on the victim's response) while the victim's request runs.
    const replayed = await postJson(`${relay.url}/v1/messages`, BODY, {
      'x-api-key': attacker.plaintext,
      'x-request-id': victimId,
    });
    expect(replayed.status).toBe(200);
    expect(replayed.headers['x-request-id']).not.toBe(victimId);
    await victimStream.done;
    await settled(relay);
    const victimEntries = await ledgerOf(victim.key.id);
    expect(victimEntries.map((entry) => entry.requestId)).toEqual([victimId]);
    expect(victimEntries[0]?.outcome).toBe('ok');
    const attackerEntries = await ledgerOf(attacker.key.id);
    expect(attackerEntries).toHaveLength(1);
    expect(attackerEntries[0]?.clientRequestId).toBe(victimId);
  });

  it('gives ids that reveal nothing about the next one', async () => {
    const { plaintext } = await createKey(relay);
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      const response = await postJson(`${relay.url}/v1/models`, '', { 'x-api-key': plaintext });
      ids.push(String(response.headers['x-request-id']).slice(4));
    }
    // The old ids shared a 12-character process tag and counted up; random ones share no prefix to speak of.
    for (const id of ids.slice(1)) expect(id.slice(0, 8)).not.toBe(ids[0]?.slice(0, 8));
  });
});
