// The end of a budget is usable: a request whose worst case does not fit in what is left is served with its
// output capped to fit (the upstream stops at max_tokens), never overshooting; when not even its input fits,
// the refusal says so.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeCodeBody } from '../fixtures/claude-code-request.js';
import type { FakeUpstream } from '../support/fake-upstream/index.js';
import {
  createKey,
  type RelayWithAccount,
  settled,
  startRelayWithAccount,
  type TestRelay,
} from '../support/relay.js';
import { postJson } from '../support/sse-client.js';

const OPUS = 'claude-opus-4-5';
const LIMIT_MICROS = 1_000_000;

describe('the end of a spending limit', () => {
  let setup: RelayWithAccount;
  let fake: FakeUpstream;
  let relay: TestRelay;

  beforeAll(async () => {
    setup = await startRelayWithAccount();
    ({ fake, relay } = setup);
  });
  afterAll(() => setup.stop());

  const spentOf = async (keyId: string) => {
    const usage = await relay.server.services.admission.usage(await keyOf(keyId));
    return usage.costs.find((cost) => cost.name === 'daily');
  };
  const keyOf = async (keyId: string) => {
    const key = await relay.server.services.apiKeys.get(keyId);
    if (!key) throw new Error('key gone');
    return key;
  };

  it('serves a Claude Code Opus request with its output capped to what is left, until its input no longer fits', async () => {
    // Its worst case (a ~100 KB body at the cache-write rate plus 32,000 output tokens) is about $1.43: more
    // than the whole $1 limit. It is served anyway, asking the upstream for only as much output as fits.
    const { key, plaintext } = await createKey(relay, { limits: { dailyCostMicros: LIMIT_MICROS } });
    const raw = claudeCodeBody(OPUS);
    const headers = { 'x-api-key': plaintext, 'anthropic-version': '2023-06-01' };
    const first = await postJson(`${relay.url}/v1/messages`, raw, headers);
    expect(first.status).toBe(200);
    expect(first.text).toContain('message_stop');
    const cap = Number(first.headers['x-relay-max-tokens']);
    expect(cap).toBeGreaterThan(1000);
    expect(cap).toBeLessThan(32_000);
    // Only the number changed: every other byte reached the upstream as the client wrote it.
    const sent = fake.requests.at(-1)?.body.toString('utf8');
    expect(sent).toBe(raw.replace('"max_tokens" :  32000', `"max_tokens" :  ${cap}`));

    let refusal: Awaited<ReturnType<typeof postJson>> | undefined;
    let served = 1;
    for (let attempt = 0; attempt < 20 && !refusal; attempt += 1) {
      const response = await postJson(`${relay.url}/v1/messages`, raw, headers);
      if (response.status === 402) refusal = response;
      else {
        expect(response.status).toBe(200);
        served += 1;
      }
    }
    expect(served).toBeGreaterThan(1);
    expect(refusal?.headers['x-should-retry']).toBe('false');
    const error = JSON.parse(refusal?.text ?? '{}').error;
    expect(error).toMatchObject({
      type: 'billing_error',
      details: { reason: 'does_not_fit', limit: 'daily' },
    });
    expect(error.message).toMatch(/worst case does not fit/);

    await settled(relay);
    const daily = await spentOf(key.id);
    expect(daily?.spentMicros).toBeGreaterThan(0);
    expect(daily?.spentMicros).toBeLessThanOrEqual(LIMIT_MICROS);
    expect(daily?.reservedMicros).toBe(0);
  });

  it('never overshoots: an answer that would run past the limit stops at the capped max_tokens', async () => {
    const { key, plaintext } = await createKey(relay, { limits: { dailyCostMicros: 20_000 } });
    // Haiku: $1 in, $5 out. The upstream would write 10,000 tokens ($0.05) if allowed.
    fake.enqueue({ usage: { outputTokens: 10_000 } });
    const client = new Anthropic({ apiKey: plaintext, baseURL: relay.url, maxRetries: 0 });
    const events: string[] = [];
    const stream = client.messages.stream({
      model: 'claude-haiku-4-5',
      max_tokens: 10_000,
      messages: [{ role: 'user', content: 'Write at length.' }],
    });
    stream.on('streamEvent', (event) => events.push(event.type));
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage.output_tokens).toBeLessThan(4_000);
    expect(events.at(-1)).toBe('message_stop');
    await settled(relay);
    const daily = await spentOf(key.id);
    expect(daily?.spentMicros).toBeGreaterThan(15_000);
    expect(daily?.spentMicros).toBeLessThanOrEqual(20_000);
  });

  it('lowers an extended-thinking budget under the cap, and refuses when thinking cannot fit at all', async () => {
    const { plaintext } = await createKey(relay, { limits: { dailyCostMicros: 50_000 } });
    const headers = { 'x-api-key': plaintext };
    const body = (maxTokens: number) => ({
      model: 'claude-haiku-4-5',
      max_tokens: maxTokens,
      thinking: { type: 'enabled', budget_tokens: maxTokens - 1000 },
      messages: [{ role: 'user', content: 'Think, then answer.' }],
    });
    const ok = await postJson(`${relay.url}/v1/messages`, body(30_000), headers);
    expect(ok.status).toBe(200);
    const cap = Number(ok.headers['x-relay-max-tokens']);
    const sent = fake.requests.at(-1)?.json as { max_tokens: number; thinking: { budget_tokens: number } };
    expect(sent.max_tokens).toBe(cap);
    expect(sent.thinking).toEqual({ type: 'enabled', budget_tokens: cap - 1 });

    const { plaintext: small } = await createKey(relay, { limits: { dailyCostMicros: 3_000 } });
    const before = fake.requests.length;
    const refused = await postJson(`${relay.url}/v1/messages`, body(30_000), { 'x-api-key': small });
    expect(refused.status).toBe(402);
    expect(JSON.parse(refused.text).error.message).toMatch(/worst case does not fit.*extended thinking/);
    expect(fake.requests.length).toBe(before);
  });
});
