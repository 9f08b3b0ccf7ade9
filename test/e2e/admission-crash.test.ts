import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { testRedisUrl } from '../support/redis.js';
import { createClaudeAccount, createKey, startTestRelay, type TestRelay } from '../support/relay.js';
import { type ServerProcess, spawnServer } from '../support/server-process.js';
import { openStream } from '../support/sse-client.js';

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
    await survivor.stop();
    await fake.close();
  });

  it('leaves no lease or reservation behind once the reconciler has run', async () => {
    const { key, plaintext } = await createKey(survivor, {
      limits: { concurrency: 3, dailyCostMicros: 5_000_000 },
    });
    victim = spawnServer({
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: survivor.prefix,
      PORT: '0',
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'relay-victim-')),
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      TOKEN_SIGNING_KEY: 'test-token-signing-key-0123456789abcdef',
      ...SHORT_LIVES,
    });
    const { url } = (await victim.waitForLog((line) => typeof line.url === 'string')) as { url: string };

    fake.enqueue({ stallAfterEvents: 3 }, { stallAfterEvents: 3 });
    const body = {
      model: 'claude-haiku-4-5',
      max_tokens: 500,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    };
    const streams = [0, 1].map(() => openStream(`${url}/v1/messages`, body, { 'x-api-key': plaintext }));
    for (const stream of streams) expect(await stream.status).toBe(200);
    await fake.waitForRequests(2);

    const { redis, keys } = survivor.server.services.context;
    const prefix = keys.apiKeySlotPrefix(key.id);
    const claims = async () => ({
      keyLeases: await redis.zcard(keys.keyLeases(key.id)),
      reservations: await redis.hlen(`${prefix}resv`),
      reserved: Object.keys(await redis.hgetall(`${prefix}reserved`)).length,
      accountLeases: await redis.zcard(keys.poolLeases('claude', accountId)),
    });
    expect(await claims()).toEqual({ keyLeases: 2, reservations: 2, reserved: 1, accountLeases: 2 });

    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    await victim.exited;
    for (const stream of streams) stream.abort();

    // The leases stop being renewed; within their lifetime plus one reconciler interval all is reclaimed.
    await expect
      .poll(claims, { timeout: 5000, interval: 100 })
      .toEqual({ keyLeases: 0, reservations: 0, reserved: 0, accountLeases: 0 });
    expect(Date.now() - killedAt).toBeLessThan(1000 + 200 + 1500);
    expect(await redis.zscore(keys.reconcileIndex(), key.id)).toBeNull();
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
    expect(await redis.hlen(`${keys.apiKeySlotPrefix(key.id)}resv`)).toBe(1);
    const text = await stream.done;
    expect(text).toContain('message_stop');
    await expect.poll(() => redis.zcard(keys.keyLeases(key.id))).toBe(0);
    expect(await redis.hlen(`${keys.apiKeySlotPrefix(key.id)}resv`)).toBe(0);
  });
});
