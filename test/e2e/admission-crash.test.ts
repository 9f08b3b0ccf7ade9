import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { testRedisEnv } from '../support/redis.js';
import { createClaudeAccount, createKey, settled, startTestRelay, type TestRelay } from '../support/relay.js';
import { type ServerProcess, spawnServer } from '../support/server-process.js';
import { openStream } from '../support/sse-client.js';
import { removeTempDirs, tempDir } from '../support/temp-dirs.js';

const SHORT_LIVES = { LEASE_TTL_MS: '1000', RECONCILE_INTERVAL_MS: '200' };

describe('an instance killed mid-stream', () => {
  let fake: FakeUpstream;
  let survivor: TestRelay;
  let victim: ServerProcess | undefined;
  let accountId: string;

  beforeAll(async () => {
    fake = await startFakeUpstream();
    survivor = await startTestRelay({ env: SHORT_LIVES });
    accountId = (await createClaudeAccount(survivor, fake.url)).id;
  });
  afterAll(async () => {
    if (victim && victim.child.exitCode === null && victim.child.signalCode === null) {
      victim.child.kill('SIGKILL');
      await victim.exited;
    }
    removeTempDirs();
    await survivor.stop();
    await fake.close();
  });

  it('records every request of a killed instance as lost, charges its estimate, and leaves no claim behind', async () => {
    // One key with limits (leases, reservations) and one without: both kinds of request must be recorded.
    const limited = await createKey(survivor, { limits: { concurrency: 3, dailyCostMicros: 5_000_000 } });
    const unlimited = await createKey(survivor);
    victim = spawnServer({
      ...testRedisEnv(),
      REDIS_KEY_PREFIX: survivor.prefix,
      PORT: '0',
      DATA_DIR: tempDir('relay-victim-'),
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      TOKEN_SIGNING_KEY: 'test-token-signing-key-0123456789abcdef',
      ...SHORT_LIVES,
    });
    const { url } = (await victim.waitForLog((line) => typeof line.url === 'string')) as { url: string };

    fake.setDefault({ stallAfterEvents: 3 });
    const body = {
      model: 'claude-haiku-4-5',
      max_tokens: 500,
      stream: true,
      messages: [{ role: 'user', content: 'hi '.repeat(200) }],
    };
    const streams = [
      ...[0, 1].map(() =>
        openStream(`${url}/v1/messages`, body, { 'x-api-key': limited.plaintext, 'x-request-id': 'mine-1' }),
      ),
      ...[0, 1, 2, 3, 4].map(() =>
        openStream(`${url}/v1/messages`, body, { 'x-api-key': unlimited.plaintext }),
      ),
    ];
    const ids: string[] = [];
    for (const stream of streams) {
      expect(await stream.status).toBe(200);
      ids.push(String((await stream.headers)['x-request-id']));
    }
    await fake.waitForRequests(streams.length);

    const { redis, keys } = survivor.server.services.context;
    const claims = async (keyId: string) => ({
      claims: await redis.hlen(keys.keyClaims(keyId)),
      keyLeases: await redis.zcard(keys.keyLeases(keyId)),
      reserved: Object.keys(await redis.hgetall(`${keys.apiKeySlotPrefix(keyId)}reserved`)).length,
    });
    const accountLeases = () => redis.zcard(keys.poolLeases('claude', accountId));
    expect(await claims(limited.key.id)).toEqual({ claims: 2, keyLeases: 2, reserved: 1 });
    expect(await claims(unlimited.key.id)).toEqual({ claims: 5, keyLeases: 0, reserved: 0 });
    expect(await accountLeases()).toBe(7);

    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    await victim.exited;
    for (const stream of streams) stream.abort();

    // The claims stop being renewed; within their lifetime plus one reconciler interval all is reclaimed.
    const nothingLeft = { claims: 0, keyLeases: 0, reserved: 0 };
    await expect.poll(() => claims(limited.key.id), { timeout: 5000, interval: 100 }).toEqual(nothingLeft);
    await expect.poll(() => claims(unlimited.key.id), { timeout: 5000, interval: 100 }).toEqual(nothingLeft);
    await expect.poll(accountLeases, { timeout: 5000, interval: 100 }).toBe(0);
    expect(Date.now() - killedAt).toBeLessThan(1000 + 200 + 1500);
    await expect.poll(() => redis.zscore(keys.reconcileIndex(), limited.key.id)).toBeNull();

    // Each request has one ledger entry: lost, estimated from its admission, on the account it was using.
    await settled(survivor);
    const entries = (await survivor.server.services.requestLog.recent(100)).filter((entry) =>
      ids.includes(entry.requestId),
    );
    expect(entries.map((entry) => entry.requestId).sort()).toEqual([...ids].sort());
    for (const entry of entries) {
      expect(entry).toMatchObject({
        outcome: 'instance_lost',
        estimated: true,
        accountId,
        model: body.model,
      });
      expect(entry.usage.input).toBeGreaterThan(100);
      expect(entry.costMicros).toBeGreaterThan(0);
    }
    expect(entries.filter((entry) => entry.clientRequestId === 'mine-1')).toHaveLength(2);
    // The estimate is what the key was charged: its spend counter holds the entries' cost, nothing reserved.
    const day = new Date().toISOString().slice(0, 10);
    const limitedCost = entries
      .filter((entry) => entry.keyId === limited.key.id)
      .reduce((sum, entry) => sum + entry.costMicros, 0);
    expect(Number(await redis.get(`${keys.apiKeySlotPrefix(limited.key.id)}spend:day:${day}`))).toBe(
      limitedCost,
    );
    expect(await redis.zcard(keys.ledgerPending())).toBe(0);
  });

  it('keeps the lease and reservation of a live stream that outlasts their lifetime', async () => {
    const { key, plaintext } = await createKey(survivor, {
      limits: { concurrency: 1, dailyCostMicros: 5_000_000 },
    });
    // ~2.4 s of streaming against 1 s leases: only renewal keeps them through the reconciler's passes.
    fake.enqueue({ eventDelayMs: 300, chunks: 6 });
    const body = {
      model: 'claude-haiku-4-5',
      max_tokens: 500,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    };
    const { redis, keys } = survivor.server.services.context;
    const stream = openStream(`${survivor.url}/v1/messages`, body, { 'x-api-key': plaintext });
    expect(await stream.status).toBe(200);
    const startedAt = Date.now();
    // Well past a lease lifetime into the stream, the claims are still there.
    await expect.poll(() => Date.now() - startedAt > 1800, { timeout: 5000, interval: 100 }).toBe(true);
    expect(await redis.zcard(keys.keyLeases(key.id))).toBe(1);
    expect(await redis.hlen(keys.keyClaims(key.id))).toBe(1);
    const text = await stream.done;
    expect(text).toContain('message_stop');
    await expect.poll(() => redis.zcard(keys.keyLeases(key.id))).toBe(0);
    expect(await redis.hlen(keys.keyClaims(key.id))).toBe(0);
  });
});
