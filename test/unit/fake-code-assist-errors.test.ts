// The fake upstream's Code Assist refusals and faults over plain fetch: 401 / 403 / 400 / 404 as Google answers
// them, Code Assist's 429 bodies (rate limit, daily quota, model capacity) and streams cut, stalled or errored
// mid-way.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  codeAssistFakePerTest,
  GENERATE,
  HEADERS,
  METADATA,
  readAll,
  sseWrappers,
} from '../support/code-assist-client.js';
import { parseSseFrames } from '../support/fake-upstream/index.js';

const session = codeAssistFakePerTest();
const { start, post } = session;

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
    expect(session.fake.codeAssist.calls).toMatchObject({
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
    await session.startExactly({});
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
    const notJson = await fetch(`${session.fake.url}/v1internal:generateContent`, {
      method: 'POST',
      headers: HEADERS,
      body: '{nope',
    });
    expect(notJson.status).toBe(400);
    expect((await post('noSuchMethod', {})).status).toBe(404);
  });
});

describe('code assist: faults', () => {
  beforeEach(async () => {
    await start();
  });

  it('answers a 429 as Code Assist does: an array, RATE_LIMIT_EXCEEDED for the model, and a retry delay', async () => {
    session.fake.enqueue({ status: 429, retryDelaySeconds: 2 });
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
    session.fake.enqueue(
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
    session.fake.enqueue({ cutAfterEvents: 1 });
    const cut = await readAll(await post('streamGenerateContent', GENERATE, HEADERS, '?alt=sse'));
    expect(cut.clean).toBe(false);
    expect(sseWrappers(cut.text)).toHaveLength(1);

    session.fake.enqueue({ errorEventAfterEvents: 2 });
    const errored = await (await post('streamGenerateContent', GENERATE, HEADERS, '?alt=sse')).text();
    const frames = parseSseFrames(errored).map((f) => JSON.parse(f.data) as Record<string, unknown>);
    expect(frames).toHaveLength(3);
    expect(frames[2]).toMatchObject({ error: { code: 500, status: 'INTERNAL' } });

    session.fake.enqueue({ stallAfterEvents: 1 });
    const stalled = await post('streamGenerateContent', GENERATE, HEADERS, '?alt=sse');
    const reader = stalled.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toContain('"traceId"');
    await reader?.cancel();
    await session.fake.waitForIdle();
    expect(session.fake.requests.at(-1)?.aborted).toBe(true);
  });
});
