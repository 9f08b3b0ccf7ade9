import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { createClaudeAccount, createKey, settled, startTestRelay, type TestRelay } from '../support/relay.js';

const MODEL = 'claude-haiku-4-5';
// claude-haiku-4-5 in the catalog: $1 in, $5 out, $0.10 cache read, $1.25 5-minute write, $2 1-hour write per MTok.
const USAGE = {
  inputTokens: 120,
  outputTokens: 7,
  cacheReadTokens: 1000,
  cacheWrite5mTokens: 200,
  cacheWrite1hTokens: 300,
};
const EXPECTED_COST_MICROS = 120 * 1 + 7 * 5 + 1000 * 0.1 + 200 * 1.25 + 300 * 2;

describe('the Anthropic SDK through the relay', () => {
  let fake: FakeUpstream;
  let relay: TestRelay;
  let client: Anthropic;
  let keyId: string;
  let accountId: string;

  beforeAll(async () => {
    fake = await startFakeUpstream({ apiKey: 'sk-ant-upstream-secret' });
    relay = await startTestRelay();
    accountId = (await createClaudeAccount(relay, fake.url)).id;
    const issued = await createKey(relay);
    keyId = issued.key.id;
    client = new Anthropic({ apiKey: issued.plaintext, baseURL: relay.url, maxRetries: 0 });
  });
  afterAll(async () => {
    await relay.stop();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  it('answers messages.create and records the exact usage and cost', async () => {
    fake.enqueue({ usage: USAGE });
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello from the fake upstream.' });
    expect(message.usage.cache_read_input_tokens).toBe(1000);
    await settled(relay);

    const [entry] = await relay.server.services.requestLog.recent(1);
    expect(entry).toMatchObject({
      keyId,
      accountId,
      model: MODEL,
      upstreamModel: MODEL,
      usage: { input: 120, output: 7, cacheRead: 1000, cacheWrite5m: 200, cacheWrite1h: 300 },
      costMicros: EXPECTED_COST_MICROS,
      prices: { input: 1, output: 5, cacheRead: 0.1, cacheWrite5m: 1.25, cacheWrite1h: 2 },
      outcome: 'ok',
      estimated: false,
      stream: false,
      status: 200,
    });
    expect(entry?.priceVersion).toMatch(/^genai-prices:claude-haiku-4-5/);

    const day = new Date().toISOString().slice(0, 10);
    const byKey = await relay.server.services.usage.summary('key', keyId, day, day);
    expect(byKey.totals).toEqual({
      requests: 1,
      inputTokens: 120,
      outputTokens: 7,
      cacheReadTokens: 1000,
      cacheWrite5mTokens: 200,
      cacheWrite1hTokens: 300,
      costMicros: EXPECTED_COST_MICROS,
    });
    expect(byKey.byModel).toEqual([{ model: MODEL, ...byKey.totals }]);
    const byAccount = await relay.server.services.usage.summary('account', accountId, day, day);
    expect(byAccount.totals.costMicros).toBe(byKey.totals.costMicros);
  });

  it('streams with the SDK and records the usage from message_start and message_delta', async () => {
    fake.enqueue({ usage: USAGE, chunks: 5, text: 'one two three four five six' });
    const stream = client.messages.stream({
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Count' }],
    });
    const texts: string[] = [];
    stream.on('text', (text) => texts.push(text));
    const final = await stream.finalMessage();
    expect(texts.join('')).toBe('one two three four five six');
    expect(final.usage.output_tokens).toBe(7);
    await settled(relay);
    const [entry] = await relay.server.services.requestLog.recent(1);
    expect(entry).toMatchObject({
      stream: true,
      outcome: 'ok',
      estimated: false,
      usage: { input: 120, output: 7, cacheRead: 1000, cacheWrite5m: 200, cacheWrite1h: 300 },
      costMicros: EXPECTED_COST_MICROS,
    });
    expect(entry?.ttftMs).toBeGreaterThanOrEqual(0);
    // The relay key never reaches the upstream; the account's key does.
    const upstream = fake.requests[0];
    expect(upstream?.headers['x-api-key']).toBe('sk-ant-upstream-secret');
    expect(upstream?.headers.authorization).toBeUndefined();
  });

  it('counts tokens and lists models without writing to the ledger', async () => {
    const before = await relay.server.services.requestLog.recent(100);
    const counted = await client.messages.countTokens({
      model: MODEL,
      messages: [{ role: 'user', content: 'How many tokens is this?' }],
    });
    expect(counted.input_tokens).toBeGreaterThan(0);
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toContain('claude-sonnet-4-5-20250929');
    await settled(relay);
    expect(await relay.server.services.requestLog.recent(100)).toHaveLength(before.length);
    const leases = await relay.server.services.context.redis.zcard(
      relay.server.services.context.keys.poolLeases('claude', accountId),
    );
    expect(leases).toBe(0);
  });
});
