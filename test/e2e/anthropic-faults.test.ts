import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { rawRequest } from '../support/http.js';
import { createClaudeAccount, createKey, settled, startTestRelay, type TestRelay } from '../support/relay.js';
import { openStream, postAndAbort, postJson } from '../support/sse-client.js';

const BODY = { model: 'claude-haiku-4-5', max_tokens: 32, messages: [{ role: 'user', content: 'hi' }] };
const STREAM_BODY = { ...BODY, stream: true };

describe('bad input and upstream faults', () => {
  let fake: FakeUpstream;
  let relay: TestRelay;
  let key: string;
  let keyId: string;
  let accountId: string;
  let headers: Record<string, string>;

  beforeAll(async () => {
    fake = await startFakeUpstream();
    relay = await startTestRelay({
      env: { BODY_LIMIT: '64kb', UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '400', UPSTREAM_IDLE_TIMEOUT_MS: '400' },
    });
    accountId = (await createClaudeAccount(relay, fake.url)).id;
    const issued = await createKey(relay);
    key = issued.plaintext;
    keyId = issued.key.id;
    headers = { 'x-api-key': key, 'anthropic-version': '2023-06-01' };
  });
  afterAll(async () => {
    await relay.stop();
    await fake.close();
  });
  // Each fault moves the only account out of service for a while (failover would have nowhere to go): every
  // test here starts with it back in service.
  beforeEach(async () => {
    fake.reset();
    await relay.server.services.health.reset(accountId, 'claude');
  });

  const messagesUrl = () => `${relay.url}/v1/messages`;
  const leases = () =>
    relay.server.services.context.redis.zcard(
      relay.server.services.context.keys.poolLeases('claude', accountId),
    );
  const lastEntry = async () => {
    await settled(relay);
    const [entry] = await relay.server.services.requestLog.recent(1);
    return entry;
  };
  const keyLeases = () =>
    relay.server.services.context.redis.zcard(relay.server.services.context.keys.keyLeases(keyId));
  /** Every ledger entry written since `since`: one per request, however its exchange ended. */
  const entriesSince = async (since: number) => {
    await settled(relay);
    return (await relay.server.services.requestLog.recent(20)).filter((entry) => entry.at >= since);
  };
  /** Starts a request, waits until the upstream has it, then drops the client connection. */
  const abortOnceUpstreamHasIt = async (body: unknown) => {
    const stream = openStream(messagesUrl(), body, headers);
    await fake.waitForRequests(1);
    stream.abort();
    await stream.done;
  };

  describe('answers bad input with a 4xx in the Anthropic shape', () => {
    it('refuses missing, unknown and disabled keys with 401', async () => {
      const missing = await postJson(messagesUrl(), BODY, { 'anthropic-version': '2023-06-01' });
      expect(missing.status).toBe(401);
      expect(JSON.parse(missing.text)).toMatchObject({
        type: 'error',
        error: { type: 'authentication_error' },
      });
      const unknown = await postJson(messagesUrl(), BODY, { 'x-api-key': 'cr_not-a-real-key' });
      expect(unknown.status).toBe(401);
      const issued = await createKey(relay, { name: 'to disable' });
      await relay.server.services.apiKeys.setEnabled(issued.key.id, false);
      const disabled = await postJson(messagesUrl(), BODY, { authorization: `Bearer ${issued.plaintext}` });
      expect(disabled.status).toBe(401);
      expect(JSON.parse(disabled.text).error.message).toMatch(/disabled/);
      expect(fake.requests).toHaveLength(0);
    });

    it('refuses malformed JSON and a missing model with 400', async () => {
      const malformed = await postJson(messagesUrl(), '{"model": "claude', headers);
      expect(malformed.status).toBe(400);
      expect(JSON.parse(malformed.text).error).toMatchObject({
        type: 'invalid_request_error',
        code: 'invalid_json',
      });
      const noModel = await postJson(messagesUrl(), { messages: [] }, headers);
      expect(noModel.status).toBe(400);
      expect(JSON.parse(noModel.text).error.message).toMatch(/^model:/);
      expect(fake.requests).toHaveLength(0);
    });

    it('refuses a body over the limit with 413', async () => {
      const big = { ...BODY, messages: [{ role: 'user', content: 'x'.repeat(70 * 1024) }] };
      const response = await postJson(messagesUrl(), big, headers);
      expect(response.status).toBe(413);
      expect(JSON.parse(response.text).error.type).toBe('request_too_large');
    });

    it('answers 503 with a clear type when no account can serve', async () => {
      await relay.server.services.accounts.setSchedulable(accountId, false);
      try {
        const response = await postJson(messagesUrl(), BODY, headers);
        expect(response.status).toBe(503);
        expect(JSON.parse(response.text).error).toMatchObject({
          type: 'overloaded_error',
          code: 'no_account_available',
        });
      } finally {
        await relay.server.services.accounts.setSchedulable(accountId, true);
      }
    });

    it('answers HEAD on base paths without auth', async () => {
      for (const path of ['/', '/api', '/claude/']) {
        expect((await rawRequest(`${relay.url}${path}`, { method: 'HEAD' })).status).toBe(200);
      }
    });
  });

  describe('passes upstream errors back with the upstream message', () => {
    it.each([
      [429, 'rate_limit_error'],
      [529, 'overloaded_error'],
      [500, 'api_error'],
      [400, 'invalid_request_error'],
    ])('upstream %i', async (status, type) => {
      fake.enqueue({ status, errorMessage: `upstream says ${status}` });
      const response = await postJson(messagesUrl(), BODY, headers);
      expect(response.status).toBe(status);
      expect(JSON.parse(response.text).error).toMatchObject({ type, message: `upstream says ${status}` });
      if (status === 429) expect(response.headers['retry-after']).toBe('1');
      expect(await lastEntry()).toMatchObject({
        outcome: 'upstream_error',
        status,
        usage: { input: 0, output: 0 },
      });
      expect(await leases()).toBe(0);
    });

    it('does not pass an upstream 401 off as the client key being wrong', async () => {
      fake.enqueue({ status: 401 });
      const response = await postJson(messagesUrl(), BODY, headers);
      expect(response.status).toBe(502);
      expect(JSON.parse(response.text).error.message).toMatch(/upstream account was rejected/);
    });

    it('answers 502 when the upstream cannot be reached and 504 when it does not answer in time', async () => {
      // The unreachable account is the only one in service: there is nowhere to fail over to.
      const { accounts } = relay.server.services;
      const dead = await createClaudeAccount(relay, 'http://127.0.0.1:1', { name: 'dead', priority: 1 });
      await accounts.setSchedulable(accountId, false);
      try {
        const refused = await postJson(messagesUrl(), BODY, headers);
        expect(refused.status).toBe(502);
        expect(JSON.parse(refused.text).error.message).toMatch(/ECONNREFUSED/);
      } finally {
        await accounts.delete(dead.id);
        await accounts.setSchedulable(accountId, true);
      }
      fake.enqueue({ delayFirstByteMs: 3000 });
      const slow = await postJson(messagesUrl(), BODY, headers);
      expect(slow.status).toBe(504);
      expect(await leases()).toBe(0);
    });
  });

  describe('streams', () => {
    it('ends a stream cut mid-way with an SSE error event, releases the lease and records partial usage', async () => {
      fake.enqueue({ cutAfterEvents: 4, usage: { inputTokens: 321 } });
      const response = await postJson(messagesUrl(), STREAM_BODY, headers);
      expect(response.status).toBe(200);
      expect(response.text).toContain('event: content_block_delta');
      expect(response.text.trimEnd().split('\n\n').at(-1)).toMatch(/^event: error\ndata: .*"api_error"/s);
      const entry = await lastEntry();
      expect(entry).toMatchObject({ outcome: 'upstream_error', estimated: true, usage: { input: 321 } });
      expect(entry?.usage.output).toBeGreaterThan(0);
      expect(await leases()).toBe(0);
    });

    it('passes an error event sent after a 200 through and records it', async () => {
      fake.enqueue({ errorEventAfterEvents: 3 });
      const response = await postJson(messagesUrl(), STREAM_BODY, headers);
      expect(response.status).toBe(200);
      expect(response.text).toContain('event: error');
      expect(await lastEntry()).toMatchObject({ outcome: 'upstream_error', errorCode: 'overloaded_error' });
    });

    it('survives garbage from upstream and keeps serving', async () => {
      fake.enqueue({ garbage: true });
      const garbage = await postJson(messagesUrl(), STREAM_BODY, headers);
      expect(garbage.status).toBe(200);
      expect(await lastEntry()).toMatchObject({ estimated: true });
      const next = await postJson(messagesUrl(), BODY, headers);
      expect(next.status).toBe(200);
    });

    it('aborts the upstream when the client goes away and bills the exact input', async () => {
      fake.enqueue({ stallAfterEvents: 4, usage: { inputTokens: 77 } });
      await postAndAbort(messagesUrl(), STREAM_BODY, headers, 'content_block_delta');
      await fake.waitForIdle();
      expect(fake.requests[0]?.aborted).toBe(true);
      const entry = await lastEntry();
      expect(entry).toMatchObject({ outcome: 'client_aborted', estimated: true, usage: { input: 77 } });
      expect(await leases()).toBe(0);
    });

    it('keeps reading to message_start when the client leaves before the upstream answered, and bills that input', async () => {
      // The upstream answers after 150 ms: message_start, two more events, then it would hang.
      fake.enqueue({ delayFirstByteMs: 150, stallAfterEvents: 3, usage: { inputTokens: 55 } });
      const startedAt = Date.now();
      await abortOnceUpstreamHasIt(STREAM_BODY);
      await fake.waitForIdle();
      expect(fake.requests[0]?.reportedUsage).toMatchObject({ input_tokens: 55 });
      // The relay let go of the upstream once it had the input usage, without reading on to the end.
      expect(fake.requests[0]?.aborted).toBe(true);
      expect(await entriesSince(startedAt)).toEqual([
        expect.objectContaining({
          outcome: 'client_aborted',
          estimated: true,
          usage: expect.objectContaining({ input: 55 }),
        }),
      ]);
      expect(await leases()).toBe(0);
      expect(await keyLeases()).toBe(0);
    });

    it('keeps reading to message_start when the client leaves after the headers, before any event', async () => {
      // Headers at once, message_start 150 ms later: the relay holds the stream back (failover is still
      // possible), so the client sees nothing before it leaves.
      fake.enqueue({ delayFirstEventMs: 150, stallAfterEvents: 4, usage: { inputTokens: 56 } });
      const startedAt = Date.now();
      await abortOnceUpstreamHasIt(STREAM_BODY);
      await fake.waitForIdle();
      expect(fake.requests[0]?.aborted).toBe(true);
      expect(await entriesSince(startedAt)).toEqual([
        expect.objectContaining({
          outcome: 'client_aborted',
          estimated: true,
          usage: expect.objectContaining({ input: 56 }),
        }),
      ]);
      expect(await leases()).toBe(0);
      expect(await keyLeases()).toBe(0);
    });

    it('stops waiting for the input usage of an abandoned stream when the upstream goes silent', async () => {
      // Headers, then nothing: the idle timeout (400 ms here) ends the wait.
      fake.enqueue({ stallAfterEvents: 0 });
      const startedAt = Date.now();
      await abortOnceUpstreamHasIt(STREAM_BODY);
      await fake.waitForIdle();
      expect(fake.requests[0]?.aborted).toBe(true);
      expect(await entriesSince(startedAt)).toEqual([
        expect.objectContaining({ outcome: 'client_aborted', usage: expect.objectContaining({ input: 0 }) }),
      ]);
      expect(await leases()).toBe(0);
      expect(await keyLeases()).toBe(0);
    });

    it('drops a non-streaming call at once when its client leaves: the answer would mean paying for all of it', async () => {
      fake.enqueue({ delayFirstByteMs: 300, usage: { inputTokens: 57 } });
      const startedAt = Date.now();
      await abortOnceUpstreamHasIt(BODY);
      await fake.waitForIdle();
      // The upstream was let go before it answered.
      expect(fake.requests[0]?.aborted).toBe(true);
      expect(fake.requests[0]?.reportedUsage).toBeUndefined();
      expect(await entriesSince(startedAt)).toEqual([expect.objectContaining({ outcome: 'client_aborted' })]);
      expect(await leases()).toBe(0);
      expect(await keyLeases()).toBe(0);
    });

    it('ends a stalled stream after the idle timeout with an error event', async () => {
      fake.enqueue({ stallAfterEvents: 3 });
      const response = await postJson(messagesUrl(), STREAM_BODY, headers);
      expect(response.text).toMatch(/event: error\ndata: .*stopped sending data/);
      expect(await lastEntry()).toMatchObject({ outcome: 'upstream_error', errorCode: 'upstream_timeout' });
      expect(await leases()).toBe(0);
    });
  });

  describe('content encoding', () => {
    it('passes gzip through to a client that accepts it and decodes it for one that does not', async () => {
      fake.enqueue({ gzip: true, usage: { inputTokens: 11 } }, { gzip: true, usage: { inputTokens: 12 } });
      const accepting = await rawRequest(messagesUrl(), {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'accept-encoding': 'gzip' },
        body: JSON.stringify(BODY),
      });
      expect(accepting.headers['content-encoding']).toBe('gzip');
      expect(JSON.parse(gunzipSync(accepting.bytes).toString()).type).toBe('message');
      expect(fake.requests[0]?.headers['accept-encoding']).toBe('gzip');
      expect((await lastEntry())?.usage.input).toBe(11);

      const plain = await postJson(messagesUrl(), BODY, { ...headers, 'accept-encoding': 'identity' });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(JSON.parse(plain.text).type).toBe('message');
      expect((await lastEntry())?.usage.input).toBe(12);
    });
  });
});

describe('a client leaving a stream it already received the headers of', () => {
  let fake: FakeUpstream;
  let relay: TestRelay;
  let headers: Record<string, string>;

  beforeAll(async () => {
    fake = await startFakeUpstream();
    // One attempt only: nothing to hold the stream back for, so its status and headers reach the client at once.
    relay = await startTestRelay({ env: { FAILOVER_MAX_ATTEMPTS: '1', UPSTREAM_IDLE_TIMEOUT_MS: '2000' } });
    await createClaudeAccount(relay, fake.url);
    headers = { 'x-api-key': (await createKey(relay)).plaintext, 'anthropic-version': '2023-06-01' };
  });
  afterAll(async () => {
    await relay.stop();
    await fake.close();
  });

  it('bills the input the upstream reports after the client left', async () => {
    fake.enqueue({ delayFirstEventMs: 150, stallAfterEvents: 4, usage: { inputTokens: 58 } });
    const startedAt = Date.now();
    const stream = openStream(`${relay.url}/v1/messages`, STREAM_BODY, headers);
    expect(await stream.status).toBe(200);
    stream.abort();
    expect(await stream.done).toBe('');
    await fake.waitForIdle();
    expect(fake.requests[0]?.aborted).toBe(true);
    await settled(relay);
    const entries = (await relay.server.services.requestLog.recent(20)).filter(
      (entry) => entry.at >= startedAt,
    );
    expect(entries).toEqual([
      expect.objectContaining({
        outcome: 'client_aborted',
        estimated: true,
        usage: expect.objectContaining({ input: 58 }),
      }),
    ]);
  });
});
