import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claudeCodeBody } from '../fixtures/claude-code-request.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { createClaudeAccount, createKey, startTestRelay, type TestRelay } from '../support/relay.js';
import { postJson } from '../support/sse-client.js';

const BETA =
  'claude-code-20250219,oauth-2025-04-20,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14';
const SESSION_ID = '5d8f1c2e-7a3b-4c9d-9e1f-2b3c4d5e6f70';
/** What the Anthropic SDK inside Claude Code says about itself on every call. */
const STAINLESS = {
  'x-stainless-lang': 'js',
  'x-stainless-package-version': '0.70.0',
  'x-stainless-os': 'MacOS',
  'x-stainless-arch': 'arm64',
  'x-stainless-runtime': 'node',
  'x-stainless-runtime-version': 'v24.3.0',
  'x-stainless-retry-count': '0',
  'x-stainless-timeout': '600',
  'x-stainless-helper-method': 'stream',
};

describe('a Claude Code-shaped request', () => {
  let fake: FakeUpstream;
  let relay: TestRelay;
  let key: string;

  beforeAll(async () => {
    fake = await startFakeUpstream({ apiKey: 'sk-ant-upstream-secret' });
    relay = await startTestRelay();
    key = (await createKey(relay)).plaintext;
  });
  afterAll(async () => {
    await relay.stop();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  function claudeCodeHeaders(): Record<string, string> {
    return {
      // Both env vars set: both headers arrive; the one with the relay prefix must win.
      'x-api-key': key,
      authorization: 'Bearer sk-ant-oat01-unrelated-token',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': BETA,
      'user-agent': 'claude-cli/2.1.0 (external, cli)',
      'x-app': 'cli',
      'X-Claude-Code-Session-Id': SESSION_ID,
      ...STAINLESS,
      'accept-encoding': 'gzip, deflate, br, zstd',
      accept: 'application/json',
    };
  }

  it('passes through byte-identical, under the /api prefix with ?beta=true', async () => {
    const account = await createClaudeAccount(relay, fake.url);
    try {
      const body = claudeCodeBody();
      expect(body.length).toBeGreaterThan(90_000);
      const response = await postJson(`${relay.url}/api/v1/messages?beta=true`, body, claudeCodeHeaders());
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(response.text).toContain('event: message_stop');

      const upstream = fake.requests[0];
      expect(upstream?.url).toBe('/v1/messages?beta=true');
      expect(upstream?.body.equals(Buffer.from(body))).toBe(true);
      expect(upstream?.headers['anthropic-beta']).toBe(BETA);
      expect(upstream?.headers['user-agent']).toBe('claude-cli/2.1.0 (external, cli)');
      expect(upstream?.headers['x-app']).toBe('cli');
      // The session id and the SDK's self-description go up as the real client sends them to Anthropic.
      expect(upstream?.headers['x-claude-code-session-id']).toBe(SESSION_ID);
      expect(upstream?.headers).toMatchObject(STAINLESS);
      // The account's credential goes up; neither the relay key nor the client's other token does.
      expect(upstream?.headers['x-api-key']).toBe('sk-ant-upstream-secret');
      expect(upstream?.headers.authorization).toBeUndefined();
      expect(JSON.stringify(upstream?.headers)).not.toContain(key);
      // Streams are requested uncompressed: the tap must read them and SSE compresses poorly.
      expect(upstream?.headers['accept-encoding']).toBe('identity');
    } finally {
      await relay.server.services.accounts.delete(account.id);
    }
  });

  it('changes only the model bytes when the account maps the model', async () => {
    const account = await createClaudeAccount(relay, fake.url, {
      modelMapping: { 'claude-sonnet-4-5-20250929': 'claude-haiku-4-5' },
    });
    try {
      const body = claudeCodeBody();
      const response = await postJson(`${relay.url}/claude/v1/messages`, body, claudeCodeHeaders());
      expect(response.status).toBe(200);
      const sent = fake.requests[0]?.body.toString('utf8');
      expect(sent).toBe(body.replace('"model": "claude-sonnet-4-5-20250929"', '"model": "claude-haiku-4-5"'));
    } finally {
      await relay.server.services.accounts.delete(account.id);
    }
  });
});
