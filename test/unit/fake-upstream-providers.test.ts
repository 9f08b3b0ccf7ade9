// Fake upstream: OpenAI Chat Completions, OpenAI Responses and Gemini surfaces over plain fetch.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_TEXT,
  type FakeUpstream,
  parseSseFrames,
  startFakeUpstream,
} from '../support/fake-upstream/index.js';

const KEY = 'test-key';
const BEARER = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
const GOOG = { 'x-goog-api-key': KEY, 'content-type': 'application/json' };
const CHAT = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] };
const RESPONSES = { model: 'gpt-4o', input: 'hi' };
const GEMINI = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };
const GEN = '/v1beta/models/gemini-2.5-flash';

let fake: FakeUpstream;

beforeEach(async () => {
  fake = await startFakeUpstream({ apiKey: KEY });
});

afterEach(async () => {
  await fake.close();
});

function post(path: string, body: unknown, headers: Record<string, string>) {
  return fetch(`${fake.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
}

function promptTokens(body: unknown): number {
  return Math.max(1, Math.ceil(Buffer.byteLength(JSON.stringify(body)) / 4));
}

const WORDS = DEFAULT_TEXT.split(/\s+/).length;

describe('openai chat completions', () => {
  it('answers a chat.completion with usage', async () => {
    fake.enqueue({ usage: { inputTokens: 20, outputTokens: 4, cacheReadTokens: 5 } });
    const res = await post('/v1/chat/completions', CHAT, BEARER);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    const json = (await res.json()) as Record<string, unknown>;
    expect(json).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o',
      choices: [{ index: 0, message: { role: 'assistant', content: DEFAULT_TEXT }, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: 25,
        completion_tokens: 4,
        total_tokens: 29,
        prompt_tokens_details: { cached_tokens: 5 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    expect(json.id).toMatch(/^chatcmpl-/);
    expect(fake.requests[0]?.reportedUsage).toEqual(json.usage);
  });

  it('streams chunks, a stop chunk, a usage chunk and [DONE]', async () => {
    const body = { ...CHAT, stream: true, stream_options: { include_usage: true } };
    const res = await post('/v1/chat/completions', body, BEARER);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    const frames = parseSseFrames(text);
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.data) as Record<string, unknown>);
    expect(chunks).toHaveLength(6);
    for (const c of chunks) expect(c.object).toBe('chat.completion.chunk');
    expect(chunks[0]).toMatchObject({ choices: [{ delta: { role: 'assistant' }, finish_reason: null }] });
    const content = chunks
      .slice(1, 4)
      .map((c) => (c.choices as { delta: { content: string } }[])[0]?.delta.content)
      .join('');
    expect(content).toBe(DEFAULT_TEXT);
    expect(chunks[4]).toMatchObject({ choices: [{ delta: {}, finish_reason: 'stop' }], usage: null });
    expect(chunks[5]).toMatchObject({
      choices: [],
      usage: { prompt_tokens: promptTokens(body), completion_tokens: WORDS },
    });
  });

  it('omits the usage chunk without include_usage', async () => {
    const text = await (await post('/v1/chat/completions', { ...CHAT, stream: true }, BEARER)).text();
    const frames = parseSseFrames(text);
    expect(frames).toHaveLength(6);
    expect(text).not.toContain('"usage"');
    expect(fake.requests[0]?.reportedUsage).toBeUndefined();
  });

  it('uses OpenAI error bodies', async () => {
    const wrong = await post('/v1/chat/completions', CHAT, { ...BEARER, authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: 'invalid_api_key', param: null },
    });
    fake.enqueue({ status: 429 }, { status: 500 });
    const limited = await post('/v1/chat/completions', CHAT, BEARER);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: { type: 'requests', code: 'rate_limit_exceeded' } });
    const failed = await post('/v1/chat/completions', CHAT, BEARER);
    expect(await failed.json()).toMatchObject({ error: { type: 'server_error', code: null } });
    const noModel = await post('/v1/chat/completions', { messages: [] }, BEARER);
    expect(noModel.status).toBe(400);
  });

  it('sends an in-stream error object', async () => {
    fake.enqueue({ errorEventAfterEvents: 2 });
    const frames = parseSseFrames(
      await (await post('/v1/chat/completions', { ...CHAT, stream: true }, BEARER)).text(),
    );
    expect(frames).toHaveLength(3);
    expect(JSON.parse(frames[2]?.data ?? '')).toMatchObject({ error: { type: 'server_error' } });
  });

  it('lists models for bearer callers', async () => {
    const res = await fetch(`${fake.url}/v1/models`, { headers: BEARER });
    expect(await res.json()).toMatchObject({
      object: 'list',
      data: expect.arrayContaining([
        { id: 'gpt-4o', object: 'model', created: expect.any(Number), owned_by: 'system' },
      ]),
    });
  });
});

describe('openai responses', () => {
  it('answers a response object', async () => {
    const json = (await (await post('/v1/responses', RESPONSES, BEARER)).json()) as Record<string, unknown>;
    const input = promptTokens(RESPONSES);
    expect(json).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'gpt-4o',
      output: [
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: DEFAULT_TEXT }] },
      ],
      usage: {
        input_tokens: input,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: WORDS,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: input + WORDS,
      },
    });
    expect(json.id).toMatch(/^resp_/);
  });

  it('streams typed events with sequence numbers', async () => {
    const text = await (await post('/v1/responses', { ...RESPONSES, stream: true }, BEARER)).text();
    const frames = parseSseFrames(text);
    expect(frames.map((f) => f.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    frames.forEach((f, i) => {
      expect(JSON.parse(f.data)).toMatchObject({ type: f.event, sequence_number: i });
    });
    const done = JSON.parse(frames[10]?.data ?? '') as { response: { usage: unknown; status: string } };
    expect(done.response.status).toBe('completed');
    expect(fake.requests[0]?.reportedUsage).toEqual(done.response.usage);
  });

  it('sends an error event mid-stream', async () => {
    fake.enqueue({ errorEventAfterEvents: 1 });
    const frames = parseSseFrames(
      await (await post('/v1/responses', { ...RESPONSES, stream: true }, BEARER)).text(),
    );
    expect(frames.map((f) => f.event)).toEqual(['response.created', 'error']);
    expect(JSON.parse(frames[1]?.data ?? '')).toMatchObject({ type: 'error', code: 'server_error' });
  });

  it('fails a response with response.failed carrying the error code', async () => {
    fake.enqueue({ failedAfterEvents: 2, errorType: 'context_length_exceeded', errorMessage: 'Too long.' });
    const frames = parseSseFrames(
      await (await post('/v1/responses', { ...RESPONSES, stream: true }, BEARER)).text(),
    );
    expect(frames.map((f) => f.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.failed',
    ]);
    expect(JSON.parse(frames[2]?.data ?? '')).toMatchObject({
      type: 'response.failed',
      sequence_number: 2,
      response: {
        status: 'failed',
        error: { code: 'context_length_exceeded', message: 'Too long.' },
        usage: null,
      },
    });
    expect(fake.requests[0]?.reportedUsage).toBeUndefined();
  });

  it('reports reasoning tokens inside the output and opens the answer with a reasoning item', async () => {
    fake.enqueue({ usage: { inputTokens: 10, cacheReadTokens: 30, outputTokens: 50, reasoningTokens: 40 } });
    const body = { ...RESPONSES, stream: true, include: ['reasoning.encrypted_content'] };
    const frames = parseSseFrames(await (await post('/v1/responses', body, BEARER)).text());
    expect(frames.slice(0, 4).map((f) => f.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.output_item.done',
    ]);
    const reasoning = JSON.parse(frames[3]?.data ?? '') as { item: Record<string, unknown> };
    expect(reasoning.item).toMatchObject({ type: 'reasoning', summary: [] });
    expect(reasoning.item.encrypted_content).toEqual(expect.any(String));
    const delta = JSON.parse(frames.find((f) => f.event === 'response.output_text.delta')?.data ?? '');
    expect(delta.output_index).toBe(1);
    const done = JSON.parse(frames.at(-1)?.data ?? '') as { response: { usage: unknown; output: unknown[] } };
    expect(done.response.usage).toEqual({
      input_tokens: 40,
      input_tokens_details: { cached_tokens: 30 },
      output_tokens: 50,
      output_tokens_details: { reasoning_tokens: 40 },
      total_tokens: 90,
    });
    expect(done.response.output).toHaveLength(2);

    // Without an explicit output count, the reasoning comes on top of the answer's words.
    fake.enqueue({ usage: { reasoningTokens: 12 } });
    const json = (await (await post('/v1/responses', RESPONSES, BEARER)).json()) as {
      usage: { output_tokens: number; output_tokens_details: { reasoning_tokens: number } };
    };
    expect(json.usage.output_tokens).toBe(WORDS + 12);
    expect(json.usage.output_tokens_details.reasoning_tokens).toBe(12);
  });
});

describe("codex's chatgpt backend", () => {
  const CODEX_PATH = '/backend-api/codex/responses';
  const CODEX_BODY = { ...RESPONSES, stream: true, store: false };

  it('answers like /v1/responses with the usage-window headers Codex reads', async () => {
    const res = await post(CODEX_PATH, CODEX_BODY, { ...BEARER, 'chatgpt-account-id': 'acct-1' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-codex-primary-window-minutes')).toBe('300');
    expect(res.headers.get('x-ratelimit-limit-requests')).toBeNull();
    const frames = parseSseFrames(await res.text());
    expect(frames.at(-1)?.event).toBe('response.completed');
    expect(fake.requests[0]?.path).toBe(CODEX_PATH);
  });

  it('refuses a missing or wrong token with 401 and a missing workspace with 403', async () => {
    const noToken = await post(CODEX_PATH, CODEX_BODY, {
      'content-type': 'application/json',
      'chatgpt-account-id': 'acct-1',
    });
    expect(noToken.status).toBe(401);
    expect(await noToken.json()).toMatchObject({ error: { type: 'invalid_request_error', param: null } });
    const wrongToken = await post(CODEX_PATH, CODEX_BODY, {
      authorization: 'Bearer other',
      'content-type': 'application/json',
      'chatgpt-account-id': 'acct-1',
    });
    expect(wrongToken.status).toBe(401);
    const noWorkspace = await post(CODEX_PATH, CODEX_BODY, BEARER);
    expect(noWorkspace.status).toBe(403);
    expect(((await noWorkspace.json()) as { error: { message: string } }).error.message).toMatch(
      /chatgpt-account-id/,
    );
  });

  it('refuses a top-level max_output_tokens as the real backend does', async () => {
    const res = await post(
      CODEX_PATH,
      { ...CODEX_BODY, max_output_tokens: 100 },
      { ...BEARER, 'chatgpt-account-id': 'acct-1' },
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: 'Unsupported parameter: max_output_tokens' });
  });

  it('checks the workspace when one is configured', async () => {
    const strict = await startFakeUpstream({ chatgptAccountId: 'acct-right' });
    try {
      const send = (workspace: string) =>
        fetch(`${strict.url}${CODEX_PATH}`, {
          method: 'POST',
          headers: { authorization: 'Bearer any-token', 'chatgpt-account-id': workspace },
          body: JSON.stringify(CODEX_BODY),
        });
      expect((await send('acct-wrong')).status).toBe(403);
      expect((await send('acct-right')).status).toBe(200);
    } finally {
      await strict.close();
    }
  });
});

describe('gemini', () => {
  it('answers generateContent under v1beta and v1, with key header or ?key=', async () => {
    fake.enqueue({ usage: { inputTokens: 8, outputTokens: 2, cacheReadTokens: 4 } });
    const res = await post(`${GEN}:generateContent`, GEMINI, GOOG);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({
      candidates: [
        { content: { role: 'model', parts: [{ text: DEFAULT_TEXT }] }, finishReason: 'STOP', index: 0 },
      ],
      usageMetadata: {
        promptTokenCount: 12,
        candidatesTokenCount: 2,
        totalTokenCount: 14,
        cachedContentTokenCount: 4,
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: 12 }],
      },
      modelVersion: 'gemini-2.5-flash',
      responseId: expect.any(String),
    });
    const viaQuery = await post(`/v1/models/gemini-2.5-flash:generateContent?key=${KEY}`, GEMINI, {});
    expect(viaQuery.status).toBe(200);
  });

  it('streams SSE with CRLF framing; only the last chunk has finishReason and full usage', async () => {
    const res = await post(`${GEN}:streamGenerateContent?alt=sse`, GEMINI, GOOG);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    expect(text.startsWith('data: {')).toBe(true);
    expect(text.split('\r\n\r\n')).toHaveLength(4);
    const chunks = parseSseFrames(text).map((f) => JSON.parse(f.data) as Record<string, unknown>);
    expect(chunks).toHaveLength(3);
    const texts = chunks.map(
      (c) => (c.candidates as { content: { parts: { text: string }[] } }[])[0]?.content,
    );
    expect(texts.map((c) => c?.parts[0]?.text).join('')).toBe(DEFAULT_TEXT);
    expect(chunks[0]).not.toHaveProperty('candidates.0.finishReason');
    const counts = chunks.map(
      (c) => (c.usageMetadata as { candidatesTokenCount: number }).candidatesTokenCount,
    );
    expect(counts).toEqual([Math.floor(WORDS / 3), Math.floor((2 * WORDS) / 3), WORDS]);
    expect(chunks[2]).toMatchObject({
      candidates: [{ finishReason: 'STOP' }],
      usageMetadata: { promptTokenCount: promptTokens(GEMINI), candidatesTokenCount: WORDS },
    });
  });

  it('streams a JSON array without alt=sse', async () => {
    const res = await post(`${GEN}:streamGenerateContent`, GEMINI, GOOG);
    const array = (await res.json()) as unknown[];
    expect(array).toHaveLength(3);
    expect(array[2]).toMatchObject({ candidates: [{ finishReason: 'STOP' }] });
  });

  it('counts tokens and lists models', async () => {
    const count = await post(`${GEN}:countTokens`, GEMINI, GOOG);
    expect(await count.json()).toMatchObject({ totalTokens: promptTokens(GEMINI) });
    const models = await fetch(`${fake.url}/v1beta/models`, { headers: GOOG });
    expect(await models.json()).toMatchObject({
      models: expect.arrayContaining([expect.objectContaining({ name: 'models/gemini-2.5-flash' })]),
    });
  });

  it('rejects missing and wrong keys like the real API', async () => {
    const missing = await post(`${GEN}:generateContent`, GEMINI, {});
    expect(missing.status).toBe(403);
    expect(await missing.json()).toMatchObject({ error: { code: 403, status: 'PERMISSION_DENIED' } });
    const wrong = await post(`${GEN}:generateContent`, GEMINI, { 'x-goog-api-key': 'nope' });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({
      error: { code: 400, status: 'INVALID_ARGUMENT', details: [{ reason: 'API_KEY_INVALID' }] },
    });
  });

  it('maps error statuses to google.rpc codes', async () => {
    const expected: Record<number, string> = {
      400: 'INVALID_ARGUMENT',
      401: 'UNAUTHENTICATED',
      403: 'PERMISSION_DENIED',
      404: 'NOT_FOUND',
      429: 'RESOURCE_EXHAUSTED',
      500: 'INTERNAL',
      503: 'UNAVAILABLE',
    };
    for (const [status, name] of Object.entries(expected)) {
      fake.enqueue({ status: Number(status) });
      const res = await post(`${GEN}:generateContent`, GEMINI, GOOG);
      expect(res.status).toBe(Number(status));
      expect(await res.json()).toMatchObject({ error: { code: Number(status), status: name } });
    }
  });

  it('sends an in-stream error chunk', async () => {
    fake.enqueue({ errorEventAfterEvents: 1 });
    const text = await (await post(`${GEN}:streamGenerateContent?alt=sse`, GEMINI, GOOG)).text();
    const frames = parseSseFrames(text);
    expect(frames).toHaveLength(2);
    expect(JSON.parse(frames[1]?.data ?? '')).toEqual({
      error: { code: 500, message: expect.any(String), status: 'INTERNAL' },
    });
  });
});
