import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CreateApiKeyInput } from '../../src/services/api-keys/api-key-types.js';
import { claudeCodeBody } from '../fixtures/claude-code-request.js';
import type { FakeUpstream } from '../support/fake-upstream/index.js';
import {
  createKey,
  type RelayWithAccount,
  settled,
  startRelayWithAccount,
  type TestRelay,
} from '../support/relay.js';
import { openStream, postJson } from '../support/sse-client.js';

const CLAUDE_CODE_HEADERS = {
  'anthropic-version': '2023-06-01',
  'anthropic-beta': 'claude-code-20250219',
  'user-agent': 'claude-cli/2.1.0 (external, cli)',
  'x-app': 'cli',
  'x-claude-code-session-id': '5d8f1c2e-7a3b-4c9d-9e1f-2b3c4d5e6f70',
};

describe('key restrictions and rate limits', () => {
  let setup: RelayWithAccount;
  let fake: FakeUpstream;
  let relay: TestRelay;

  beforeAll(async () => {
    setup = await startRelayWithAccount();
    ({ fake, relay } = setup);
  });
  afterAll(() => setup.stop());
  beforeEach(() => fake.reset());

  async function sdkFor(input: Partial<CreateApiKeyInput>) {
    const issued = await createKey(relay, input);
    return {
      ...issued,
      client: new Anthropic({ apiKey: issued.plaintext, baseURL: relay.url, maxRetries: 0 }),
    };
  }
  const ask = (client: Anthropic, model = 'claude-haiku-4-5') =>
    client.messages.create({ model, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }).then(
      () => ({ status: 200, reason: undefined, error: undefined }),
      (error: InstanceType<typeof Anthropic.APIError>) => {
        const body = error.error as { error?: { code?: string; message?: string } } | undefined;
        return { status: error.status, reason: body?.error?.code, error: body?.error };
      },
    );

  it('starts an activate-on-first-use clock on the first request and refuses after it', async () => {
    const { key, client } = await sdkFor({ expiry: { kind: 'after-first-use', durationSeconds: 1 } });
    const { redis, keys } = relay.server.services.context;
    const activated = `${keys.apiKeySlotPrefix(key.id)}activated`;
    expect(await redis.get(activated)).toBeNull();
    const before = Date.now();
    expect((await ask(client)).status).toBe(200);
    const startedAt = Number(await redis.get(activated));
    expect(startedAt).toBeGreaterThanOrEqual(before);
    expect((await ask(client)).status).toBe(200);
    // The clock runs out one second after the first request; it is watched, not slept on.
    await expect.poll(async () => (await ask(client)).status, { timeout: 5000, interval: 100 }).toBe(401);
    const refused = await ask(client);
    expect(refused.error?.message).toMatch(/expired/);
    expect(Date.now()).toBeGreaterThanOrEqual(startedAt + 1000);
  });

  it('refuses a key past its fixed expiry, and platforms the key may not use', async () => {
    const expired = await sdkFor({ expiry: { kind: 'fixed', expiresAt: Date.now() - 1 } });
    expect(await ask(expired.client)).toMatchObject({ status: 401 });
    const geminiOnly = await sdkFor({ platforms: ['gemini'] });
    const refused = await ask(geminiOnly.client);
    expect(refused.status).toBe(403);
    expect(refused.error?.message).toMatch(/claude platform/);
  });

  it('applies the model deny-list and allow-list patterns exactly', async () => {
    const denyOpus = await sdkFor({ modelDeny: ['claude-opus*', 'claude-sonnet-4-5'] });
    expect((await ask(denyOpus.client, 'claude-opus-4-1')).status).toBe(403);
    expect((await ask(denyOpus.client, 'claude-sonnet-4-5')).status).toBe(403);
    expect((await ask(denyOpus.client, 'claude-sonnet-4-5-20250929')).status).toBe(200);
    expect((await ask(denyOpus.client, 'claude-haiku-4-5')).status).toBe(200);

    const haikuOnly = await sdkFor({ modelAllow: ['claude-haiku*'], modelDeny: ['claude-haiku-3'] });
    expect((await ask(haikuOnly.client, 'claude-haiku-4-5')).status).toBe(200);
    expect((await ask(haikuOnly.client, 'claude-haiku-3')).status).toBe(403);
    const notAllowed = await ask(haikuOnly.client, 'claude-sonnet-4-5');
    expect(notAllowed).toMatchObject({ status: 403 });
    expect(notAllowed.error?.message).toMatch(/may not use the model claude-sonnet-4-5/);
    // Nothing refused reached the upstream.
    expect(fake.requests.map((request) => (request.json as { model: string }).model).sort()).toEqual([
      'claude-haiku-4-5',
      'claude-haiku-4-5',
      'claude-sonnet-4-5-20250929',
    ]);
  });

  it('lets a claude-code key serve Claude Code and refuses the plain SDK and other clients', async () => {
    const { plaintext, client } = await sdkFor({ clients: ['claude-code'] });
    // The official SDK identifies itself as such: not Claude Code.
    const sdk = await ask(client);
    expect(sdk.status).toBe(403);
    expect(sdk.error?.message).toMatch(/only be used from claude-code/);
    const claudeCode = await postJson(
      `${relay.url}/v1/messages?beta=true`,
      claudeCodeBody('claude-haiku-4-5'),
      {
        ...CLAUDE_CODE_HEADERS,
        'x-api-key': plaintext,
      },
    );
    expect(claudeCode.status).toBe(200);
    // Older Claude Code sends only its session header or the legacy metadata form; both are genuine.
    const legacy = await postJson(
      `${relay.url}/v1/messages`,
      {
        model: 'claude-haiku-4-5',
        max_tokens: 8,
        metadata: { user_id: `user_${'a'.repeat(64)}_account__session_5d8f1c2e-7a3b-4c9d-9e1f-2b3c4d5e6f70` },
        messages: [{ role: 'user', content: 'hi' }],
      },
      { 'x-api-key': plaintext, 'anthropic-version': '2023-06-01', 'user-agent': 'node' },
    );
    expect(legacy.status).toBe(200);
    const codex = await postJson(
      `${relay.url}/v1/messages`,
      { model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] },
      { 'x-api-key': plaintext, 'user-agent': 'codex_cli_rs/0.58.0 (Debian 12; x86_64) xterm' },
    );
    expect(codex.status).toBe(403);

    const codexOnly = await createKey(relay, { clients: ['codex'] });
    const asClaudeCode = await postJson(`${relay.url}/v1/messages`, claudeCodeBody('claude-haiku-4-5'), {
      ...CLAUDE_CODE_HEADERS,
      'x-api-key': codexOnly.plaintext,
    });
    expect(asClaudeCode.status).toBe(403);
    expect(JSON.parse(asClaudeCode.text).error).toMatchObject({
      type: 'permission_error',
      code: 'permission_denied',
    });
  });

  it('limits requests per fixed window with the exact reset in retry-after', async () => {
    const { client } = await sdkFor({ limits: { window: { seconds: 3600, mode: 'fixed', requests: 2 } } });
    expect((await ask(client)).status).toBe(200);
    expect((await ask(client)).status).toBe(200);
    const raw = await client.messages
      .create({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: InstanceType<typeof Anthropic.APIError>) => error);
    expect(raw).toBeInstanceOf(Anthropic.APIError);
    const error = raw as InstanceType<typeof Anthropic.APIError>;
    expect(error.status).toBe(429);
    const now = Date.now();
    const secondsLeft = Math.ceil((3600_000 - (now % 3600_000)) / 1000);
    expect(Math.abs(Number(error.headers?.get('retry-after')) - secondsLeft)).toBeLessThanOrEqual(2);
  });

  it('limits tokens per sliding window once the window holds them', async () => {
    // The answer stays within its max_tokens, as the real API's do: the input fills the window.
    fake.setDefault({ usage: { inputTokens: 1000, outputTokens: 5 } });
    const { client } = await sdkFor({ limits: { window: { seconds: 60, mode: 'sliding', tokens: 1000 } } });
    expect((await ask(client)).status).toBe(200);
    await settled(relay);
    const refused = await ask(client);
    expect(refused.status).toBe(429);
    expect(refused.error?.message).toMatch(/window_tokens/);
    fake.setDefault({});
  });

  it('queues for a slot within its bounds, and a client that leaves the queue frees its place', async () => {
    const { key, plaintext } = await createKey(relay, {
      limits: { concurrency: 1, queue: { maxWaiters: 1, maxWaitMs: 10_000 } },
    });
    const headers = { 'x-api-key': plaintext, 'anthropic-version': '2023-06-01' };
    const url = `${relay.url}/v1/messages`;
    const body = {
      model: 'claude-haiku-4-5',
      max_tokens: 8,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    };
    const waitersKey = `${relay.server.services.context.keys.apiKeySlotPrefix(key.id)}waiters`;
    const waiters = async () => Number((await relay.server.services.context.redis.get(waitersKey)) ?? 0);

    // The holder's stream stalls upstream, keeping the key's only slot.
    fake.enqueue({ stallAfterEvents: 2 });
    const holder = openStream(url, body, headers);
    expect(await holder.status).toBe(200);

    const leaver = openStream(url, body, headers);
    await expect.poll(waiters).toBe(1);
    // The queue holds one waiter: another request is refused at once.
    const refused = await postJson(url, body, headers);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.text).error.message).toMatch(/already waiting/);
    // A waiter whose client disconnects leaves the queue.
    leaver.abort();
    await expect.poll(waiters).toBe(0);

    const waiter = openStream(url, body, headers);
    await expect.poll(waiters).toBe(1);
    holder.abort();
    // The freed slot goes to the waiter, which gets a full answer.
    expect(await waiter.status).toBe(200);
    expect(await waiter.done).toContain('message_stop');
    await expect.poll(waiters).toBe(0);
    expect(fake.requests).toHaveLength(2);
  });
});
