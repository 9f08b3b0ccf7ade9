// Gemini CLI in its Code Assist mode pointed at the relay (`CODE_ASSIST_ENDPOINT=<relay>`, the relay key as its
// access token), replayed from its recorded requests (test/fixtures/gemini/code-assist-*): the set-up calls are
// answered by the relay, and the wrapped requests reach a gemini-oauth account's Code Assist API with only the
// project changed to the account's, their answers passed back as Code Assist sent them, usage recorded.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_CODE_ASSIST_PROJECT,
  type FakeUpstream,
  startFakeUpstream,
} from '../support/fake-upstream/index.js';
import { rawRequest } from '../support/http.js';
import { createKey, settled, startTestRelay, type TestRelay } from '../support/relay.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/gemini');
/** A recorded request body as it went on the wire (the fixture files are formatted; the wire had no spaces). */
const wire = (name: string) => JSON.stringify(JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')));
const ACCESS_TOKEN = 'ya29.fake-code-assist-token';
/** Gemini CLI's own user agent in this mode. */
const CLI_AGENT =
  'GeminiCLI-tui/0.61.0/gemini-2.5-pro (linux; x64; terminal) google-api-nodejs-client/10.9.0';

describe('Gemini CLI in Code Assist mode against the relay', () => {
  let upstream: FakeUpstream;
  let relay: TestRelay;
  let key: string;

  beforeAll(async () => {
    upstream = await startFakeUpstream({ googleAccessToken: ACCESS_TOKEN });
    relay = await startTestRelay();
    await relay.server.services.accounts.create({
      type: 'gemini-oauth',
      name: 'google',
      baseUrl: upstream.url,
      credentials: { accessToken: ACCESS_TOKEN, refreshToken: '1//fake', expiresAt: Date.now() + 3_600_000 },
    });
    key = (await createKey(relay, { clients: ['gemini-cli'] })).plaintext;
  });
  afterAll(async () => {
    await relay.stop();
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  const call = (method: string, body: string | undefined, bearer = key, query = '') =>
    rawRequest(`${relay.url}/v1internal:${method}${query}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${bearer}`,
        'content-type': 'application/json',
        'user-agent': CLI_AGENT,
      },
      ...(body === undefined ? {} : { body }),
    });

  it('answers the CLI’s set-up calls itself, for a working relay key only', async () => {
    const load = await call('loadCodeAssist', wire('code-assist-load-code-assist-request.json'));
    expect(load.status).toBe(200);
    expect(JSON.parse(load.body)).toMatchObject({
      currentTier: { id: 'standard-tier' },
      cloudaicompanionProject: 'llm-relay',
    });
    for (const method of ['retrieveUserQuota', 'listExperiments']) {
      const body = wire(
        `code-assist-${method === 'listExperiments' ? 'list-experiments' : 'retrieve-user-quota'}-request.json`,
      );
      expect((await call(method, body)).status).toBe(200);
    }
    expect((await call('getCodeAssistGlobalUserSetting', undefined)).status).toBe(200);
    const refused = await call('loadCodeAssist', '{}', 'cr_not-a-real-key');
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
    // Nothing of this went upstream: the relay's project is only a name.
    expect(upstream.requests).toEqual([]);
  });

  it('sends the router call on with the account’s project, every other byte as the CLI wrote it', async () => {
    const sent = wire('code-assist-router-request.json').replace(
      '"project":"test-project-123"',
      '"project":"llm-relay"',
    );
    const answer = await call('generateContent', sent);
    expect(answer.status).toBe(200);
    // The relay asked Code Assist for the account's project first (it has none configured), once.
    expect(upstream.requests.map((request) => request.path)).toEqual([
      '/v1internal:loadCodeAssist',
      '/v1internal:generateContent',
    ]);
    const forwarded = upstream.requests[1];
    expect(forwarded?.body.toString('utf8')).toBe(
      sent.replace('"project":"llm-relay"', `"project":"${DEFAULT_CODE_ASSIST_PROJECT}"`),
    );
    expect(forwarded?.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    // Code Assist's wrapped answer, as Code Assist sent it.
    expect(JSON.parse(answer.body)).toMatchObject({
      response: { candidates: expect.any(Array) },
      traceId: expect.any(String),
    });
    await settled(relay);
    const [entry] = await relay.server.services.requestLog.recent(1);
    expect(entry).toMatchObject({
      platform: 'gemini',
      model: 'gemini-3.1-flash-lite',
      outcome: 'ok',
      estimated: false,
    });
    expect(entry?.usage.input).toBeGreaterThan(0);
  });

  it('passes the main turn’s stream through byte for byte and records its usage', async () => {
    upstream.setDefault({
      usage: { inputTokens: 900, cacheReadTokens: 100, outputTokens: 50, reasoningTokens: 20 },
    });
    const answer = await call(
      'streamGenerateContent',
      wire('code-assist-stream-request.json'),
      key,
      '?alt=sse',
    );
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toContain('text/event-stream');
    expect(answer.body).toBe(upstream.requests[0]?.sentBody?.toString('utf8'));
    expect(upstream.requests[0]?.query.get('alt')).toBe('sse');
    await settled(relay);
    const [entry] = await relay.server.services.requestLog.recent(1);
    expect(entry).toMatchObject({ model: 'gemini-3-flash', stream: true, outcome: 'ok' });
    expect(entry?.usage).toMatchObject({ input: 900, cacheRead: 100, reasoning: 20 });
  });

  it('counts tokens as the CLI asks, and refuses a key not meant for Gemini CLI', async () => {
    const body = JSON.stringify({
      request: { model: 'models/gemini-2.5-pro', contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
    });
    const counted = await call('countTokens', body);
    expect(counted.status).toBe(200);
    expect(JSON.parse(counted.body)).toMatchObject({ totalTokens: expect.any(Number) });
    expect(upstream.requests[0]?.body.toString('utf8')).toBe(body);
    const other = (await createKey(relay, { clients: ['codex'] })).plaintext;
    const refused = await call('generateContent', wire('code-assist-router-request.json'), other);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { status: 'PERMISSION_DENIED' } });
  });
});
