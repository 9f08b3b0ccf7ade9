// gemini-oauth accounts end to end: added by signing in to a fake Google (PKCE, Gemini CLI's installed-app client),
// their Code Assist project found once (loadCodeAssist, then onboarding on the free tier), and public-API
// Gemini requests from the genai SDK served from the fake Code Assist API: wrapped with the project on the way
// up, unwrapped on the way down (SSE, or the JSON array a client without `alt=sse` reads), with exact usage,
// thoughtSignature kept, a 429 resting the account for RetryInfo's delay, and refreshes that keep Google's
// refresh token.
import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../src/services/accounts/account-types.js';
import {
  DEFAULT_GOOGLE_ACCOUNT,
  type FakeGoogleOAuth,
  startFakeGoogleOAuth,
} from '../support/fake-google-oauth.js';
import {
  DEFAULT_CODE_ASSIST_PROJECT,
  type FakeUpstream,
  startFakeUpstream,
} from '../support/fake-upstream/index.js';
import { rawRequest } from '../support/http.js';
import { createKey, settled, startTestRelay, type TestRelay } from '../support/relay.js';

const MODEL = 'gemini-2.5-pro';
const USAGE = { inputTokens: 100, cacheReadTokens: 400, outputTokens: 110, reasoningTokens: 30 };

describe('gemini-oauth accounts on the Code Assist API', () => {
  let google: FakeGoogleOAuth;
  let upstream: FakeUpstream;
  let relay: TestRelay;
  let account: Account;
  let client: GoogleGenAI;
  let key: string;

  beforeAll(async () => {
    google = await startFakeGoogleOAuth();
    upstream = await startFakeUpstream({
      googleAccessToken: (token) => google.isLiveAccessToken(token),
      codeAssistState: 'needs-onboarding',
    });
    relay = await startTestRelay({ env: google.env() });
    key = (await createKey(relay)).plaintext;
    client = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: `${relay.url}/gemini` } });
  });
  afterAll(async () => {
    await relay.stop();
    await upstream.close();
    await google.close();
  });
  beforeEach(() => upstream.setDefault({ usage: USAGE }));

  const lastEntry = async () => {
    await settled(relay);
    const [entry] = await relay.server.services.requestLog.recent(1);
    return entry;
  };
  const codeAssistCalls = (method: string) =>
    upstream.requests.filter((request) => request.path.endsWith(`:${method}`));

  it('signs in with PKCE and keeps the tokens sealed', async () => {
    const { oauth, context } = relay.server.services;
    const started = await oauth.start({ type: 'gemini-oauth' });
    const url = new URL(started.authorizationUrl);
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    const code = google.authorize(started.authorizationUrl);
    account = await oauth.exchange({
      sessionId: started.sessionId,
      code,
      account: { baseUrl: upstream.url },
    });
    expect(account).toMatchObject({
      type: 'gemini-oauth',
      platform: 'gemini',
      name: DEFAULT_GOOGLE_ACCOUNT.email,
    });
    const raw = await context.redis.get(context.keys.account(account.id));
    expect(raw).not.toContain(google.lastAccessToken);
    expect(raw).not.toContain(google.lastRefreshToken);
  });

  it('finds the account’s project once, then wraps each request with it', async () => {
    const answer = await client.models.generateContent({ model: MODEL, contents: 'Say hello' });
    expect(answer.text).toBeTruthy();
    expect(upstream.codeAssist.calls.loadCodeAssist).toBe(1);
    expect(upstream.codeAssist.calls.onboardUser).toBe(1);
    const [sent] = codeAssistCalls('generateContent');
    expect(sent?.headers.authorization).toBe(`Bearer ${google.lastAccessToken}`);
    expect(sent?.json).toMatchObject({
      model: MODEL,
      project: DEFAULT_CODE_ASSIST_PROJECT,
      user_prompt_id: expect.any(String),
      request: { contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }] },
    });
    const entry = await lastEntry();
    const usage = answer.usageMetadata as Record<string, number>;
    expect(entry).toMatchObject({ accountId: account.id, platform: 'gemini', model: MODEL, outcome: 'ok' });
    expect(entry?.usage).toMatchObject({
      input: (usage.promptTokenCount ?? 0) - 400,
      cacheRead: 400,
      output: (usage.candidatesTokenCount ?? 0) + 30,
      reasoning: 30,
    });

    await client.models.generateContent({ model: MODEL, contents: 'Again' });
    expect(upstream.codeAssist.calls.loadCodeAssist).toBe(1);
    expect(codeAssistCalls('generateContent')).toHaveLength(2);
  });

  it('unwraps a stream into SSE chunks, or into the JSON array a client without alt=sse reads', async () => {
    let text = '';
    let last: Record<string, number> | undefined;
    for await (const chunk of await client.models.generateContentStream({
      model: MODEL,
      contents: 'Say hello',
    })) {
      text += chunk.text ?? '';
      last = chunk.usageMetadata as Record<string, number>;
    }
    expect(text).toBe('Hello from the fake upstream.');
    const stream = codeAssistCalls('streamGenerateContent').at(-1);
    expect(stream?.query.get('alt')).toBe('sse');
    expect((await lastEntry())?.usage).toMatchObject({
      cacheRead: 400,
      output: (last?.candidatesTokenCount ?? 0) + 30,
    });

    const raw = await rawRequest(`${relay.url}/v1beta/models/${MODEL}:streamGenerateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }] }),
    });
    expect(raw.headers['content-type']).toContain('application/json');
    const chunks = JSON.parse(raw.body) as Array<{ candidates?: unknown; response?: unknown }>;
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((chunk) => chunk.candidates !== undefined && chunk.response === undefined)).toBe(
      true,
    );
    expect((await lastEntry())?.outcome).toBe('ok');
  });

  it('counts tokens through Code Assist’s own request shape', async () => {
    const counted = await client.models.countTokens({ model: MODEL, contents: 'How many tokens is this?' });
    expect(counted.totalTokens).toBeGreaterThan(0);
    expect(codeAssistCalls('countTokens').at(-1)?.json).toEqual({
      request: {
        model: `models/${MODEL}`,
        contents: [{ role: 'user', parts: [{ text: 'How many tokens is this?' }] }],
      },
    });
  });

  it('lists the Gemini models a Code Assist account serves, though Code Assist has no list of its own', async () => {
    const before = upstream.requests.length;
    const names: string[] = [];
    for await (const model of await client.models.list()) names.push(model.name ?? '');
    expect(names).toContain(`models/${MODEL}`);
    expect(names.every((name) => /^models\/(gemini|gemma)-/.test(name))).toBe(true);
    expect(names.some((name) => /tts|image|embedding|live/.test(name))).toBe(false);
    expect(upstream.requests).toHaveLength(before);
  });

  it('keeps a function call’s thoughtSignature on the way back and up', async () => {
    upstream.enqueue({ toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] });
    const first = await client.models.generateContent({ model: MODEL, contents: 'Weather in Paris?' });
    const part = first.candidates?.[0]?.content?.parts?.find((candidate) => candidate.functionCall);
    expect(part?.thoughtSignature).toMatch(/^Ci/);
    await client.models.generateContent({
      model: MODEL,
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
        { role: 'model', parts: [part ?? {}] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { sky: 'clear' } } }] },
      ],
    });
    const sent = codeAssistCalls('generateContent').at(-1)?.body.toString('utf8') ?? '';
    expect(sent).toContain(`"thoughtSignature":"${part?.thoughtSignature}"`);
  });

  it('passes a Code Assist 429 back in Google’s shape and rests the account for its retry delay', async () => {
    upstream.enqueue({ status: 429, retryDelaySeconds: 40 });
    const startedAt = Date.now();
    const answer = await rawRequest(`${relay.url}/v1beta/models/${MODEL}:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    });
    expect(answer.status).toBe(429);
    const error = (
      JSON.parse(answer.body) as { error: { status: string; details: Array<Record<string, unknown>> } }
    ).error;
    expect(error.status).toBe('RESOURCE_EXHAUSTED');
    expect(error.details).toContainEqual(expect.objectContaining({ retryDelay: '40s' }));
    const state = await relay.server.services.health.state(account.id, 'gemini');
    await relay.server.services.health.reset(account.id, 'gemini');
    // Code Assist names the model whose quota ran out: the account rests for it alone.
    expect(state.kind).toBe('active');
    expect(state.families[MODEL]).toBeGreaterThanOrEqual(startedAt + 40_000);
  });

  it('refreshes an expiring token with Google, keeping the refresh token Google does not rotate', async () => {
    const { accounts } = relay.server.services;
    const before = await accounts.runtime(account.id);
    await accounts.replaceSecrets(account.id, (current) => ({ ...current, expiresAt: Date.now() + 1000 }));
    const refreshes = google.calls.refresh;
    const answer = await client.models.generateContent({ model: MODEL, contents: 'After the refresh' });
    expect(answer.text).toBeTruthy();
    expect(google.calls.refresh).toBe(refreshes + 1);
    const after = await accounts.runtime(account.id);
    expect(after?.secrets.refreshToken).toBe(before?.secrets.refreshToken);
    expect(after?.secrets.accessToken).not.toBe(before?.secrets.accessToken);
    expect(codeAssistCalls('generateContent').at(-1)?.headers.authorization).toBe(
      `Bearer ${after?.secrets.accessToken}`,
    );
  });

  it('uses a configured project as it is, asking Code Assist nothing first', async () => {
    await relay.server.services.accounts.update(account.id, { projectId: 'team-project-42' });
    upstream.codeAssist.project = 'team-project-42';
    const calls = upstream.codeAssist.calls.loadCodeAssist;
    await client.models.generateContent({ model: MODEL, contents: 'Team project' });
    expect(upstream.codeAssist.calls.loadCodeAssist).toBe(calls);
    expect(codeAssistCalls('generateContent').at(-1)?.json).toMatchObject({ project: 'team-project-42' });
  });
});
