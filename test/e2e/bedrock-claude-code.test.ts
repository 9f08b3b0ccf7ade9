// A Claude Code request served by a `bedrock` account, where it differs from Anthropic's own API: Bedrock gets
// a signed InvokeModel call with the relay's headers only (the client's session id and its SDK's
// self-description, `x-stainless-*`, go to Anthropic but mean nothing to AWS), and a stream the client leaves
// early is still read up to the input usage Bedrock reports, as an Anthropic stream is.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeBedrock, startFakeBedrock } from '../support/fake-bedrock/index.js';
import {
  createBedrockAccount,
  createKey,
  settled,
  startTestRelay,
  type TestRelay,
} from '../support/relay.js';
import { openStream } from '../support/sse-client.js';

const SESSION_ID = '0b7e6a52-3f1d-4c8e-9a2b-7d6c5e4f3a21';
const PARAMS = {
  model: 'claude-haiku-4-5-20251001',
  max_tokens: 32,
  messages: [{ role: 'user' as const, content: 'hi' }],
};

describe('a Claude Code request to a bedrock account', () => {
  let bedrock: FakeBedrock;
  let relay: TestRelay;
  let key: string;
  let accountId: string;

  beforeAll(async () => {
    bedrock = await startFakeBedrock();
    relay = await startTestRelay();
    accountId = (await createBedrockAccount(relay, bedrock.url)).id;
    key = (await createKey(relay)).plaintext;
  });
  afterAll(async () => {
    await relay.stop();
    await bedrock.close();
  });
  afterEach(() => bedrock.reset());

  it('is signed and carries none of the client identity headers', async () => {
    // The official SDK adds its own x-stainless-* headers; the session id is added as Claude Code does.
    const client = new Anthropic({ apiKey: key, baseURL: relay.url, maxRetries: 0 });
    const message = await client.messages.create(PARAMS, {
      headers: { 'X-Claude-Code-Session-Id': SESSION_ID, 'x-app': 'cli' },
    });
    expect(message.type).toBe('message');

    const [call] = bedrock.calls;
    // The signature holds: nothing AWS checks was added after signing.
    expect(call).toMatchObject({ rejected: undefined, auth: { kind: 'sigv4' } });
    const sent = Object.keys(call?.headers ?? {});
    expect(sent.filter((name) => name.startsWith('x-stainless-'))).toEqual([]);
    expect(sent).not.toContain('x-claude-code-session-id');
    expect(sent).not.toContain('x-app');
    expect(sent).not.toContain('x-api-key');
    expect(JSON.stringify(call?.headers)).not.toContain(key);
  });

  it('bills the input Bedrock reports after the client left a stream before its first event', async () => {
    // Bedrock answers after 150 ms: message_start and two more events, then it would hang.
    bedrock.enqueue({ delayFirstByteMs: 150, stallAfterEvents: 3, usage: { inputTokens: 59 } });
    const startedAt = Date.now();
    const stream = openStream(
      `${relay.url}/v1/messages`,
      { ...PARAMS, stream: true },
      {
        'x-api-key': key,
        'anthropic-version': '2023-06-01',
      },
    );
    await bedrock.waitForCalls(1);
    stream.abort();
    await stream.done;
    await bedrock.waitForIdle();
    expect(bedrock.calls[0]?.aborted).toBe(true);
    await settled(relay);
    const entries = (await relay.server.services.requestLog.recent(20)).filter(
      (entry) => entry.at >= startedAt,
    );
    expect(entries).toEqual([
      expect.objectContaining({
        accountId,
        outcome: 'client_aborted',
        estimated: true,
        usage: expect.objectContaining({ input: 59 }),
      }),
    ]);
  });
});
