// The fake upstream's Code Assist generation over plain fetch: generateContent / streamGenerateContent wrapped
// as {response, traceId} (SSE and JSON array), thoughts and function calls, countTokens, and the Gemini API
// generator they share.
import { describe, expect, it } from 'vitest';
import {
  CONTENTS,
  codeAssistFakePerTest,
  fixture,
  GENERATE,
  HEADERS,
  sseWrappers,
  WORDS,
  type Wrapper,
} from '../support/code-assist-client.js';
import { DEFAULT_TEXT } from '../support/fake-upstream/index.js';

const session = codeAssistFakePerTest();
const { start, post } = session;

describe('code assist: generation', () => {
  it('wraps the public answer as {response, traceId}', async () => {
    await start();
    session.fake.enqueue({ usage: { inputTokens: 8, outputTokens: 2, cacheReadTokens: 4 } });
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
    expect(session.fake.requests[0]?.reportedUsage).toEqual(body.response.usageMetadata);
    expect(session.fake.requests[0]?.json).toEqual(GENERATE);
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
    expect(session.fake.requests[0]?.reportedUsage).toEqual(frames[2]?.response.usageMetadata);
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
    session.fake.enqueue({
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

describe('gemini api: the shared generator', () => {
  it('answers function calls and thoughts on the public path too', async () => {
    await session.startExactly({});
    session.fake.enqueue({
      toolCalls: [
        { name: 'a', arguments: '{"x":1}', id: 'call_srv_0001' },
        { name: 'b', arguments: '{}' },
      ],
      usage: { outputTokens: 30, reasoningTokens: 20 },
    });
    const res = await fetch(`${session.fake.url}/v1beta/models/gemini-2.5-flash:generateContent`, {
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
