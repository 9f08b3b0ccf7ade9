// The fake upstream's Code Assist API (/v1internal, Gemini CLI's "Login with Google" backend) over plain fetch.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_CODE_ASSIST_PROJECT,
  DEFAULT_TEXT,
  type FakeUpstream,
  parseSseFrames,
  type StartFakeUpstreamOptions,
  startFakeUpstream,
} from '../support/fake-upstream/index.js';

const TOKEN = 'ya29.fake-access-token';
const PROJECT = DEFAULT_CODE_ASSIST_PROJECT;
const HEADERS = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const CONTENTS = [{ role: 'user', parts: [{ text: 'hi' }] }];
const GENERATE = {
  model: 'gemini-2.5-pro',
  project: PROJECT,
  user_prompt_id: 'prompt-1',
  request: { contents: CONTENTS, session_id: 'session-1' },
};
const METADATA = { ideType: 'IDE_UNSPECIFIED', platform: 'PLATFORM_UNSPECIFIED', pluginType: 'GEMINI' };
const WORDS = DEFAULT_TEXT.split(/\s+/).length;

let fake: FakeUpstream;

async function start(options: StartFakeUpstreamOptions = {}): Promise<void> {
  fake = await startFakeUpstream({ googleAccessToken: TOKEN, ...options });
}

afterEach(async () => {
  await fake.close();
});

function post(method: string, body: unknown, headers: Record<string, string> = HEADERS, query = '') {
  return fetch(`${fake.url}/v1internal:${method}${query}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
}

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/gemini/${name}`, import.meta.url), 'utf8'));
}

interface Wrapper {
  response: {
    candidates: { content: { parts: Record<string, unknown>[]; role: string }; finishReason?: string }[];
    usageMetadata: Record<string, number>;
    modelVersion: string;
    responseId: string;
  };
  traceId: string;
}

function sseWrappers(text: string): Wrapper[] {
  return parseSseFrames(text).map((frame) => JSON.parse(frame.data) as Wrapper);
}

/** Reads a body until the server ends or cuts it; returns the bytes and whether it ended cleanly. */
async function readAll(res: Response): Promise<{ text: string; clean: boolean }> {
  const reader = res.body?.getReader();
  const decoder = new TextDecoder();
  let text = '';
  if (reader === undefined) return { text, clean: true };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, clean: true };
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { text, clean: false };
  }
}

describe('code assist: discovery and onboarding', () => {
  it('answers loadCodeAssist for an onboarded account with its tier and project', async () => {
    await start();
    const res = await post('loadCodeAssist', fixture('code-assist-load-code-assist-request.json'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      currentTier: { id: 'free-tier', hasOnboardedPreviously: true },
      allowedTiers: [{ id: 'free-tier', isDefault: true }],
      cloudaicompanionProject: PROJECT,
    });
    expect(fake.codeAssist.calls.loadCodeAssist).toBe(1);
    const [recorded] = fake.requests;
    expect(recorded?.path).toBe('/v1internal:loadCodeAssist');
    expect(recorded?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(recorded?.json).toEqual({ metadata: METADATA });
  });

  it('onboards the free tier through a long-running operation, once', async () => {
    await start({ codeAssistState: 'needs-onboarding', codeAssistProject: 'assigned-project-9' });
    const load = await (await post('loadCodeAssist', { metadata: METADATA })).json();
    expect(load).not.toHaveProperty('currentTier');
    expect(load).not.toHaveProperty('cloudaicompanionProject');
    expect(load).toMatchObject({ allowedTiers: [{ id: 'free-tier', isDefault: true }] });

    // Not onboarded yet: the project is not the caller's.
    const early = await post('generateContent', { ...GENERATE, project: 'assigned-project-9' });
    expect(early.status).toBe(403);

    // Naming a project for the free tier is refused.
    const withProject = await post('onboardUser', {
      tierId: 'free-tier',
      cloudaicompanionProject: 'mine',
      metadata: { ...METADATA, duetProject: 'mine' },
    });
    expect(withProject.status).toBe(400);
    expect(await withProject.json()).toEqual({
      error: { code: 400, message: 'Precondition Failed', status: 'FAILED_PRECONDITION' },
    });

    const started = (await (
      await post('onboardUser', { tierId: 'free-tier', metadata: METADATA })
    ).json()) as {
      name: string;
      done: boolean;
    };
    expect(started).toEqual({ name: expect.stringMatching(/^operations\/\S+$/), done: false });
    const polled = await fetch(`${fake.url}/v1internal/${started.name}`, { headers: HEADERS });
    expect(polled.status).toBe(200);
    expect(await polled.json()).toMatchObject({
      name: started.name,
      done: true,
      response: { cloudaicompanionProject: { id: 'assigned-project-9', name: 'assigned-project-9' } },
    });

    expect(fake.codeAssist.state).toBe('onboarded');
    expect(await (await post('loadCodeAssist', { metadata: METADATA })).json()).toMatchObject({
      currentTier: { id: 'free-tier' },
      cloudaicompanionProject: 'assigned-project-9',
    });
    const after = await post('generateContent', { ...GENERATE, project: 'assigned-project-9' });
    expect(after.status).toBe(200);
    expect(fake.codeAssist.calls).toMatchObject({ loadCodeAssist: 2, onboardUser: 2, getOperation: 1 });

    const unknown = await fetch(`${fake.url}/v1internal/operations/nope`, { headers: HEADERS });
    expect(unknown.status).toBe(404);
  });

  it('keeps an operation pending for onboardPendingPolls polls; a repeated onboardUser polls it too', async () => {
    await start({ codeAssistState: 'needs-onboarding' });
    fake.codeAssist.onboardPendingPolls = 1;
    const started = (await (
      await post('onboardUser', { tierId: 'free-tier', metadata: METADATA })
    ).json()) as {
      name: string;
    };
    const first = await (await fetch(`${fake.url}/v1internal/${started.name}`, { headers: HEADERS })).json();
    expect(first).toEqual({ name: started.name, done: false });
    const again = await (await post('onboardUser', { tierId: 'free-tier', metadata: METADATA })).json();
    expect(again).toMatchObject({ name: started.name, done: true });
  });

  it('answers retrieveUserQuota and listExperiments in the recorded shapes', async () => {
    await start({ codeAssistProject: 'test-project-123' });
    const quota = await post('retrieveUserQuota', fixture('code-assist-retrieve-user-quota-request.json'));
    expect(await quota.json()).toMatchObject({
      buckets: [
        {
          modelId: 'gemini-2.5-pro',
          tokenType: 'REQUESTS',
          remainingFraction: 1,
          resetTime: expect.any(String),
        },
        { modelId: 'gemini-2.5-flash' },
      ],
    });
    const experiments = await post('listExperiments', fixture('code-assist-list-experiments-request.json'));
    expect(await experiments.json()).toEqual(fixture('code-assist-list-experiments-response.json'));
  });

  it('scripts set-up methods with their own queue, leaving the shared one to generate calls', async () => {
    await start();
    fake.enqueue({ status: 503 });
    fake.codeAssist.enqueue('loadCodeAssist', { status: 500 });
    expect((await post('loadCodeAssist', { metadata: METADATA })).status).toBe(500);
    expect((await post('loadCodeAssist', { metadata: METADATA })).status).toBe(200);
    expect((await post('listExperiments', { project: PROJECT })).status).toBe(200);
    const generate = await post('generateContent', GENERATE);
    expect(generate.status).toBe(503);
    expect(await generate.json()).toMatchObject({ error: { code: 503, status: 'UNAVAILABLE' } });
  });

  it('reset() restores the configured state and clears the counters', async () => {
    await start({ codeAssistState: 'needs-onboarding' });
    await post('onboardUser', { tierId: 'free-tier', metadata: METADATA });
    fake.codeAssist.state = 'onboarded';
    fake.reset();
    expect(fake.codeAssist.state).toBe('needs-onboarding');
    expect(fake.codeAssist.calls.onboardUser).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('code assist: auth and validation', () => {
  it('refuses a missing or wrong bearer token with 401 UNAUTHENTICATED', async () => {
    await start();
    const missing = await post('generateContent', GENERATE, { 'content-type': 'application/json' });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({
      error: { code: 401, status: 'UNAUTHENTICATED', details: [{ reason: 'CREDENTIALS_MISSING' }] },
    });
    const wrong = await post(
      'loadCodeAssist',
      { metadata: METADATA },
      { ...HEADERS, authorization: 'Bearer nope' },
    );
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('invalid_token');
    expect(await wrong.json()).toEqual({
      error: {
        code: 401,
        message: expect.stringMatching(
          /^Request had invalid authentication credentials\. Expected OAuth 2 access token/,
        ),
        status: 'UNAUTHENTICATED',
      },
    });
    // Streams answer errors as a JSON array.
    const stream = await post(
      'streamGenerateContent',
      GENERATE,
      { ...HEADERS, authorization: 'Bearer nope' },
      '?alt=sse',
    );
    expect(stream.status).toBe(401);
    expect(await stream.json()).toMatchObject([{ error: { code: 401, status: 'UNAUTHENTICATED' } }]);
    expect(fake.codeAssist.calls).toMatchObject({
      generateContent: 1,
      loadCodeAssist: 1,
      streamGenerateContent: 1,
    });
  });

  it('takes a token check instead of a fixed token; unset, any bearer token passes', async () => {
    await start({ googleAccessToken: (token) => token.startsWith('ya29.') });
    expect(
      (await post('generateContent', GENERATE, { ...HEADERS, authorization: 'Bearer ya29.other' })).status,
    ).toBe(200);
    expect(
      (await post('generateContent', GENERATE, { ...HEADERS, authorization: 'Bearer sk-x' })).status,
    ).toBe(401);
    await fake.close();
    fake = await startFakeUpstream();
    expect(
      (await post('generateContent', GENERATE, { ...HEADERS, authorization: 'Bearer anything' })).status,
    ).toBe(200);
  });

  it('refuses another project with 403 PERMISSION_DENIED, as Google does', async () => {
    await start();
    const unary = await post('generateContent', { ...GENERATE, project: 'someone-elses' });
    expect(unary.status).toBe(403);
    expect(await unary.json()).toMatchObject({
      error: {
        code: 403,
        message: expect.stringContaining("Permission 'cloudaicompanion.companions.generateChat' denied"),
        status: 'PERMISSION_DENIED',
        details: [
          {
            reason: 'IAM_PERMISSION_DENIED',
            metadata: { resource: 'projects/someone-elses/locations/global' },
          },
        ],
      },
    });
    const stream = await post(
      'streamGenerateContent',
      { ...GENERATE, project: 'someone-elses' },
      HEADERS,
      '?alt=sse',
    );
    expect(stream.status).toBe(403);
    expect(await stream.json()).toMatchObject([{ error: { code: 403, status: 'PERMISSION_DENIED' } }]);
    const { project: _omitted, ...withoutProject } = GENERATE;
    expect((await post('generateContent', withoutProject)).status).toBe(403);
  });

  it('checks the model and the inner request', async () => {
    await start();
    const noContents = await post('generateContent', { ...GENERATE, request: { session_id: 's' } });
    expect(noContents.status).toBe(400);
    expect(await noContents.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT' } });
    const prefixed = await post('generateContent', { ...GENERATE, model: 'models/gemini-2.5-pro' });
    expect(prefixed.status).toBe(404);
    const { model: _omitted, ...withoutModel } = GENERATE;
    expect((await post('generateContent', withoutModel)).status).toBe(400);
    const notJson = await fetch(`${fake.url}/v1internal:generateContent`, {
      method: 'POST',
      headers: HEADERS,
      body: '{nope',
    });
    expect(notJson.status).toBe(400);
    expect((await post('noSuchMethod', {})).status).toBe(404);
  });
});

describe('code assist: generation', () => {
  it('wraps the public answer as {response, traceId}', async () => {
    await start();
    fake.enqueue({ usage: { inputTokens: 8, outputTokens: 2, cacheReadTokens: 4 } });
    const res = await post('generateContent', GENERATE);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = (await res.json()) as Wrapper;
    expect(body).toEqual({
      response: {
        candidates: [
          { content: { parts: [{ text: DEFAULT_TEXT }], role: 'model' }, finishReason: 'STOP', index: 0 },
        ],
        usageMetadata: {
          promptTokenCount: 12,
          candidatesTokenCount: 2,
          totalTokenCount: 14,
          cachedContentTokenCount: 4,
          promptTokensDetails: [{ modality: 'TEXT', tokenCount: 12 }],
        },
        modelVersion: 'gemini-2.5-pro',
        responseId: expect.any(String),
      },
      traceId: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(fake.requests[0]?.reportedUsage).toEqual(body.response.usageMetadata);
    expect(fake.requests[0]?.json).toEqual(GENERATE);
  });

  it('streams SSE frames of wrappers with cumulative usage; the last has finishReason', async () => {
    await start();
    const res = await post('streamGenerateContent', GENERATE, HEADERS, '?alt=sse');
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    expect(text.startsWith('data: {"response":{')).toBe(true);
    expect(text.endsWith('\r\n\r\n')).toBe(true);
    const frames = sseWrappers(text);
    expect(frames).toHaveLength(3);
    expect(new Set(frames.map((f) => f.traceId)).size).toBe(1);
    expect(frames.map((f) => f.response.candidates[0]?.content.parts[0]?.text).join('')).toBe(DEFAULT_TEXT);
    expect(frames.map((f) => f.response.usageMetadata.candidatesTokenCount)).toEqual([
      Math.floor(WORDS / 3),
      Math.floor((2 * WORDS) / 3),
      WORDS,
    ]);
    expect(frames[0]?.response.candidates[0]).not.toHaveProperty('finishReason');
    expect(frames[2]?.response.candidates[0]?.finishReason).toBe('STOP');
    expect(fake.requests[0]?.reportedUsage).toEqual(frames[2]?.response.usageMetadata);
  });

  it('streams a JSON array of wrappers without alt=sse', async () => {
    await start();
    const res = await post('streamGenerateContent', GENERATE);
    const array = (await res.json()) as Wrapper[];
    expect(array).toHaveLength(3);
    expect(array[2]?.response.candidates[0]?.finishReason).toBe('STOP');
  });

  it('answers the recorded Gemini CLI stream request', async () => {
    await start({ codeAssistProject: 'test-project-123' });
    const res = await post(
      'streamGenerateContent',
      fixture('code-assist-stream-request.json'),
      HEADERS,
      '?alt=sse',
    );
    expect(res.status).toBe(200);
    const frames = sseWrappers(await res.text());
    expect(frames.at(-1)?.response).toMatchObject({
      modelVersion: 'gemini-3-flash',
      candidates: [{ finishReason: 'STOP' }],
    });
  });

  it('streams a thought summary, then a function call with a thoughtSignature; thoughts sit outside candidates', async () => {
    await start();
    fake.enqueue({
      thoughtText: '**Listing the directory**',
      toolCalls: [{ name: 'list_directory', arguments: '{"dir_path":"/tmp/work"}' }],
      usage: { inputTokens: 200, outputTokens: 25, reasoningTokens: 10 },
    });
    const frames = sseWrappers(
      await (await post('streamGenerateContent', GENERATE, HEADERS, '?alt=sse')).text(),
    );
    expect(frames).toHaveLength(2);
    expect(frames[0]?.response.candidates[0]?.content.parts).toEqual([
      { text: '**Listing the directory**', thought: true },
    ]);
    expect(frames[0]?.response.usageMetadata).toMatchObject({
      candidatesTokenCount: 0,
      thoughtsTokenCount: 10,
    });
    const last = frames[1]?.response;
    expect(last?.candidates[0]).toMatchObject({
      content: {
        parts: [
          {
            functionCall: { name: 'list_directory', args: { dir_path: '/tmp/work' } },
            thoughtSignature: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
          },
        ],
      },
      finishReason: 'STOP',
    });
    expect(last?.candidates[0]?.content.parts[0]?.functionCall).not.toHaveProperty('id');
    expect(last?.usageMetadata).toMatchObject({
      promptTokenCount: 200,
      candidatesTokenCount: 15,
      thoughtsTokenCount: 10,
      totalTokenCount: 225,
    });
  });

  it('counts tokens', async () => {
    await start();
    const body = { request: { model: 'models/gemini-2.5-pro', contents: CONTENTS } };
    const res = await post('countTokens', body);
    expect(await res.json()).toEqual({ totalTokens: Math.ceil(JSON.stringify(body).length / 4) });
    expect((await post('countTokens', { request: { model: 'models/x' } })).status).toBe(400);
  });
});

describe('code assist: faults', () => {
  beforeEach(async () => {
    await start();
  });

  it('answers a 429 as Code Assist does: an array, RATE_LIMIT_EXCEEDED for the model, and a retry delay', async () => {
    fake.enqueue({ status: 429, retryDelaySeconds: 2 });
    const res = await post(
      'streamGenerateContent',
      { ...GENERATE, model: 'gemini-3-flash' },
      HEADERS,
      '?alt=sse',
    );
    expect(res.status).toBe(429);
    const body = (await res.json()) as unknown[];
    expect(Array.isArray(body)).toBe(true);
    expect(body).toEqual([
      {
        error: {
          code: 429,
          message: 'You have exhausted your capacity on this model. Your quota will reset after 2s.',
          status: 'RESOURCE_EXHAUSTED',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'RATE_LIMIT_EXCEEDED',
              domain: 'cloudcode-pa.googleapis.com',
              metadata: {
                quotaResetTimeStamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
                quotaResetDelay: '2s',
                uiMessage: 'true',
                model: 'gemini-3-flash',
              },
            },
            { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' },
          ],
        },
      },
    ]);
  });

  it('scripts the daily quota (QUOTA_EXHAUSTED) and model capacity', async () => {
    fake.enqueue(
      { status: 429, quotaReason: 'QUOTA_EXHAUSTED' },
      { status: 429, quotaReason: 'MODEL_CAPACITY_EXHAUSTED' },
    );
    const daily = await post('generateContent', GENERATE);
    expect(daily.status).toBe(429);
    const dailyBody = (await daily.json()) as {
      error: { details: [{ reason: string; metadata: { quotaResetDelay: string } }, { retryDelay: string }] };
    };
    expect(dailyBody.error.details[0].reason).toBe('QUOTA_EXHAUSTED');
    const seconds = Number.parseInt(dailyBody.error.details[1].retryDelay, 10);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(86_400);
    const capacity = await post('generateContent', GENERATE);
    expect(await capacity.json()).toEqual({
      error: {
        code: 429,
        message: 'No capacity available for model gemini-2.5-pro on the server',
        status: 'RESOURCE_EXHAUSTED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'MODEL_CAPACITY_EXHAUSTED',
            domain: 'cloudcode-pa.googleapis.com',
            metadata: { model: 'gemini-2.5-pro' },
          },
        ],
      },
    });
  });

  it('cuts, stalls and errors streams mid-way', async () => {
    fake.enqueue({ cutAfterEvents: 1 });
    const cut = await readAll(await post('streamGenerateContent', GENERATE, HEADERS, '?alt=sse'));
    expect(cut.clean).toBe(false);
    expect(sseWrappers(cut.text)).toHaveLength(1);

    fake.enqueue({ errorEventAfterEvents: 2 });
    const errored = await (await post('streamGenerateContent', GENERATE, HEADERS, '?alt=sse')).text();
    const frames = parseSseFrames(errored).map((f) => JSON.parse(f.data) as Record<string, unknown>);
    expect(frames).toHaveLength(3);
    expect(frames[2]).toMatchObject({ error: { code: 500, status: 'INTERNAL' } });

    fake.enqueue({ stallAfterEvents: 1 });
    const stalled = await post('streamGenerateContent', GENERATE, HEADERS, '?alt=sse');
    const reader = stalled.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toContain('"traceId"');
    await reader?.cancel();
    await fake.waitForIdle();
    expect(fake.requests.at(-1)?.aborted).toBe(true);
  });
});

describe('gemini api: the shared generator', () => {
  it('answers function calls and thoughts on the public path too', async () => {
    fake = await startFakeUpstream();
    fake.enqueue({
      toolCalls: [
        { name: 'a', arguments: '{"x":1}', id: 'call_srv_0001' },
        { name: 'b', arguments: '{}' },
      ],
      usage: { outputTokens: 30, reasoningTokens: 20 },
    });
    const res = await fetch(`${fake.url}/v1beta/models/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': 'k' },
      body: JSON.stringify({ contents: CONTENTS }),
    });
    const body = (await res.json()) as Wrapper['response'];
    const parts = body.candidates[0]?.content.parts ?? [];
    expect(parts[0]).toEqual({
      functionCall: { name: 'a', args: { x: 1 }, id: 'call_srv_0001' },
      thoughtSignature: expect.any(String),
    });
    expect(parts[1]).toEqual({ functionCall: { name: 'b', args: {} } });
    expect(body.candidates[0]).toMatchObject({ finishMessage: 'Model generated function call(s).' });
    expect(body.usageMetadata).toMatchObject({ candidatesTokenCount: 10, thoughtsTokenCount: 20 });
  });
});
