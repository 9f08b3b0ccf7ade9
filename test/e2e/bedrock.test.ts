// A `bedrock` account in the Claude pool, end to end: the official Anthropic SDK streams through the relay to
// a fake Bedrock runtime (SigV4-checked, event-stream answers) and gets what a direct Anthropic stream gives.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  bedrockFaults,
  FAKE_BEDROCK_BEARER_TOKEN,
  FAKE_BEDROCK_CREDENTIAL,
  type FakeBedrock,
  startFakeBedrock,
} from '../support/fake-bedrock/index.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import {
  createBedrockAccount,
  createClaudeAccount,
  createKey,
  settled,
  startTestRelay,
  type TestRelay,
} from '../support/relay.js';

// The dated name: the fake Bedrock reports the model it derives from the Bedrock model id, as Bedrock does.
const PARAMS = {
  model: 'claude-haiku-4-5-20251001',
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: 'Say hello' }],
};

type StreamEvent = Anthropic.Messages.RawMessageStreamEvent;

/** The events of a stream with the per-message id taken out, for comparing two streams. */
async function streamEvents(client: Anthropic, params = PARAMS): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  const stream = await client.messages.create({ ...params, stream: true });
  for await (const event of stream) {
    events.push(
      event.type === 'message_start' ? { ...event, message: { ...event.message, id: '<id>' } } : event,
    );
  }
  return events;
}

describe('bedrock accounts', () => {
  let anthropic: FakeUpstream;
  let bedrock: FakeBedrock;
  let relay: TestRelay;
  let direct: Anthropic;
  let viaBedrock: Anthropic;
  let bedrockAccountId: string;
  let directAccountId: string;

  beforeAll(async () => {
    anthropic = await startFakeUpstream();
    bedrock = await startFakeBedrock();
    relay = await startTestRelay();
    directAccountId = (await createClaudeAccount(relay, anthropic.url, { name: 'direct' })).id;
    bedrockAccountId = (await createBedrockAccount(relay, bedrock.url)).id;
    // Each key is bound to one account, so the same request goes once to each.
    const keyFor = async (accountId: string) =>
      (await createKey(relay, { bindings: { claude: { accountId } }, bindingFallback: 'fail' })).plaintext;
    direct = new Anthropic({ apiKey: await keyFor(directAccountId), baseURL: relay.url, maxRetries: 0 });
    viaBedrock = new Anthropic({ apiKey: await keyFor(bedrockAccountId), baseURL: relay.url, maxRetries: 0 });
  });
  afterAll(async () => {
    await relay.stop();
    await anthropic.close();
    await bedrock.close();
  });
  afterEach(async () => {
    bedrock.reset();
    anthropic.reset();
    await relay.server.services.health.reset(bedrockAccountId, 'claude');
  });

  const ledgerFor = async (accountId: string) => {
    await settled(relay);
    const entries = await relay.server.services.requestLog.recent(50);
    return entries.find((entry) => entry.accountId === accountId);
  };

  it('streams the same events and usage as a direct Anthropic stream', async () => {
    const expected = await streamEvents(direct);
    const actual = await streamEvents(viaBedrock);
    expect(actual).toEqual(expected);
    expect(actual.map((event) => event.type)).toContain('content_block_delta');

    // The call Bedrock got: signed, model in the path, version in the body, no model or stream fields.
    const [call] = bedrock.calls;
    expect(call).toMatchObject({ operation: 'invoke-with-response-stream', rejected: undefined });
    expect(call?.modelId).toBe('anthropic.claude-haiku-4-5-20251001-v1:0');

    const viaEntry = await ledgerFor(bedrockAccountId);
    const directEntry = await ledgerFor(directAccountId);
    expect(viaEntry?.usage).toEqual(directEntry?.usage);
    expect(viaEntry).toMatchObject({ outcome: 'ok', estimated: false, costMicros: directEntry?.costMicros });
  });

  it('answers non-streaming requests with the same message', async () => {
    const { id: _directId, ...expected } = await direct.messages.create(PARAMS);
    const { id: _bedrockId, ...actual } = await viaBedrock.messages.create(PARAMS);
    expect(actual).toEqual(expected);
    expect(bedrock.calls[0]?.operation).toBe('invoke');
  });

  it('signs with a Bedrock API key (bearer) too', async () => {
    const { accounts } = relay.server.services;
    await accounts.update(bedrockAccountId, { credentials: { apiKey: FAKE_BEDROCK_BEARER_TOKEN } });
    try {
      await viaBedrock.messages.create(PARAMS);
      expect(bedrock.calls[0]?.auth).toMatchObject({ kind: 'bearer' });
    } finally {
      await accounts.update(bedrockAccountId, { credentials: { apiKey: undefined } });
    }
  });

  it('turns Bedrock throttling into an Anthropic rate limit error and rate-limits the account', async () => {
    bedrock.enqueue(bedrockFaults.throttle());
    await expect(viaBedrock.messages.create(PARAMS)).rejects.toMatchObject({
      status: 429,
      error: { type: 'error', error: { type: 'rate_limit_error' } },
    });
    const state = await relay.server.services.health.state(bedrockAccountId, 'claude');
    expect(state.kind).toBe('rate_limited');
  });

  it('ends a stream whose Bedrock event stream fails mid-way with an Anthropic error event', async () => {
    bedrock.enqueue(bedrockFaults.streamException(4));
    const stream = viaBedrock.messages.stream(PARAMS);
    await expect(stream.finalMessage()).rejects.toThrow();
    const entry = await ledgerFor(bedrockAccountId);
    expect(entry).toMatchObject({ outcome: 'upstream_error' });
  });

  it('reports a refused AWS credential as the account being rejected, not the client key', async () => {
    const { accounts } = relay.server.services;
    await accounts.update(bedrockAccountId, {
      credentials: { awsSecretAccessKey: 'wrong-secret-key-0000000000' },
    });
    try {
      await expect(viaBedrock.messages.create(PARAMS)).rejects.toMatchObject({ status: 502 });
      expect((await relay.server.services.health.state(bedrockAccountId, 'claude')).kind).toBe('auth_failed');
    } finally {
      await accounts.update(bedrockAccountId, {
        credentials: { awsSecretAccessKey: FAKE_BEDROCK_CREDENTIAL.secretAccessKey },
      });
    }
  });
});
