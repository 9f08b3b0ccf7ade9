// Fake upstream: recording, scenario queue, failure modes and the Anthropic Messages API surface.
import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  anthropicSseFrame,
  DEFAULT_TEXT,
  type FakeUpstream,
  parseSseFrames,
  startFakeUpstream,
} from '../support/fake-upstream/index.js';

const KEY = 'sk-ant-test-key';
const HEADERS = { 'x-api-key': KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };
const BODY = {
  model: 'claude-sonnet-4-5',
  max_tokens: 64,
  messages: [{ role: 'user', content: 'hi there' }],
};

let fake: FakeUpstream;

beforeEach(async () => {
  fake = await startFakeUpstream({ apiKey: KEY });
});

afterEach(async () => {
  await fake.close();
});

function post(path: string, body: unknown, headers: Record<string, string> = HEADERS, signal?: AbortSignal) {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return fetch(`${fake.url}${path}`, { method: 'POST', headers, body: payload, signal });
}

async function errorOf(res: Response): Promise<{ type: string; message: string }> {
  const json = (await res.json()) as { type: string; error: { type: string; message: string } };
  expect(json.type).toBe('error');
  return json.error;
}

/** Reads a streaming body frame by frame; `next()` resolves with the text received so far. */
function reader(res: Response) {
  const body = res.body;
  if (body === null) throw new Error('no body');
  const r = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  return {
    get text() {
      return text;
    },
    async readFrames(count: number): Promise<void> {
      while (parseSseFrames(text).length < count || !text.endsWith('\n\n')) {
        const { done, value } = await r.read();
        if (done) throw new Error(`stream ended after ${text}`);
        text += decoder.decode(value, { stream: true });
      }
    },
    async readAll(): Promise<string> {
      for (;;) {
        const { done, value } = await r.read();
        if (done) return text;
        text += decoder.decode(value, { stream: true });
      }
    },
    next: () => r.read(),
  };
}

function sleep(ms: number): Promise<'timeout'> {
  return new Promise((resolve) => setTimeout(() => resolve('timeout'), ms));
}

function defaultUsage(bodyBytes: number) {
  return { input: Math.max(1, Math.ceil(bodyBytes / 4)), output: DEFAULT_TEXT.split(/\s+/).length };
}

describe('recording and control', () => {
  it('records method, path, query, headers, body and parsed json', async () => {
    const payload = JSON.stringify(BODY);
    const res = await post('/v1/messages?beta=true', payload, { ...HEADERS, 'x-custom': 'yes' });
    expect(res.status).toBe(200);
    await res.text();
    await fake.waitForIdle();
    expect(fake.requests).toHaveLength(1);
    const rec = fake.requests[0];
    expect(rec?.method).toBe('POST');
    expect(rec?.path).toBe('/v1/messages');
    expect(rec?.url).toBe('/v1/messages?beta=true');
    expect(rec?.query.get('beta')).toBe('true');
    expect(rec?.headers['x-custom']).toBe('yes');
    expect(rec?.body.toString()).toBe(payload);
    expect(rec?.json).toEqual(BODY);
    expect(rec?.completed).toBe(true);
    expect(rec?.aborted).toBe(false);
    expect(Math.abs((rec?.receivedAt ?? 0) - Date.now())).toBeLessThan(5000);
  });

  it('waitForRequests resolves only once enough requests arrived', async () => {
    let resolved = false;
    const waiting = fake.waitForRequests(2).then(() => {
      resolved = true;
    });
    await (await post('/v1/messages', BODY)).text();
    await sleep(20);
    expect(resolved).toBe(false);
    await (await post('/v1/messages', BODY)).text();
    await waiting;
    expect(resolved).toBe(true);
    expect(fake.requests).toHaveLength(2);
  });

  it('tracks inFlight and maxInFlight, and reset clears everything', async () => {
    fake.enqueue({ delayFirstByteMs: 150 }, { delayFirstByteMs: 150 }, { delayFirstByteMs: 150 });
    const pending = [1, 2, 3].map(() => post('/v1/messages', BODY).then((r) => r.text()));
    await fake.waitForRequests(3);
    expect(fake.inFlight).toBe(3);
    await Promise.all(pending);
    await fake.waitForIdle();
    expect(fake.inFlight).toBe(0);
    expect(fake.maxInFlight).toBe(3);
    fake.enqueue({ status: 500 });
    fake.setDefault({ status: 503 });
    fake.reset();
    expect(fake.requests).toHaveLength(0);
    expect(fake.maxInFlight).toBe(0);
    expect((await post('/v1/messages', BODY)).status).toBe(200);
  });

  it('applies queued scenarios FIFO, then the default', async () => {
    fake.enqueue({ text: 'first answer' }, { text: 'second answer' });
    fake.setDefault({ text: 'default answer' });
    const texts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const json = (await (await post('/v1/messages', BODY)).json()) as { content: { text: string }[] };
      texts.push(json.content[0]?.text ?? '');
    }
    expect(texts).toEqual(['first answer', 'second answer', 'default answer', 'default answer']);
  });

  it('marks a request aborted when the client goes away, and keeps serving', async () => {
    fake.enqueue({ delayFirstByteMs: 5_000 });
    const controller = new AbortController();
    const pending = post('/v1/messages', BODY, HEADERS, controller.signal);
    await fake.waitForRequests(1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await fake.waitForIdle();
    expect(fake.requests[0]?.aborted).toBe(true);
    expect(fake.requests[0]?.completed).toBe(false);
    expect((await post('/v1/messages', BODY)).status).toBe(200);
  });

  it('close() is immediate even with a stalled stream, and rejects pending waiters', async () => {
    fake.enqueue({ stallAfterEvents: 1 });
    const res = await post('/v1/messages', { ...BODY, stream: true });
    const waiter = fake.waitForRequests(10);
    const started = Date.now();
    await fake.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(waiter).rejects.toThrow(/closed/);
    await expect(res.text()).rejects.toThrow();
  });

  it('answers unknown paths with an Anthropic-shaped 404', async () => {
    const res = await fetch(`${fake.url}/nope`, { headers: HEADERS });
    expect(res.status).toBe(404);
    expect(await errorOf(res)).toEqual({ type: 'not_found_error', message: 'Not Found' });
  });

  it('rejects bodies over 64 MB with 413', async () => {
    const big = Buffer.alloc(64 * 1024 * 1024 + 10, 0x20);
    const res = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: HEADERS, body: big });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).type).toBe('request_too_large');
  });
});

describe('scenario knobs', () => {
  it('delays the first byte', async () => {
    fake.enqueue({ delayFirstByteMs: 150 });
    const started = Date.now();
    const res = await post('/v1/messages', BODY);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(res.status).toBe(200);
  });

  it('spaces SSE events by eventDelayMs', async () => {
    fake.enqueue({ eventDelayMs: 40 });
    const started = Date.now();
    const text = await (await post('/v1/messages', { ...BODY, stream: true })).text();
    expect(parseSseFrames(text)).toHaveLength(9);
    expect(Date.now() - started).toBeGreaterThanOrEqual(8 * 40 - 10);
  });

  it('sends the headers at once and the first event after delayFirstEventMs', async () => {
    fake.enqueue({ delayFirstEventMs: 150 });
    const started = Date.now();
    const res = await post('/v1/messages', { ...BODY, stream: true });
    expect(res.status).toBe(200);
    const headersAfter = Date.now() - started;
    const r = reader(res);
    await r.readFrames(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(headersAfter).toBeLessThan(140);
    expect(parseSseFrames(r.text)[0]?.event).toBe('message_start');
    await fake.waitForIdle();
    expect(fake.requests[0]?.completed).toBe(true);
  });

  it('stalls after N events until the client aborts', async () => {
    fake.enqueue({ stallAfterEvents: 2 });
    const controller = new AbortController();
    const res = await post('/v1/messages', { ...BODY, stream: true }, HEADERS, controller.signal);
    expect(res.status).toBe(200);
    const r = reader(res);
    await r.readFrames(2);
    expect(await Promise.race([r.next(), sleep(200)])).toBe('timeout');
    expect(parseSseFrames(r.text).map((f) => f.event)).toEqual(['message_start', 'content_block_start']);
    expect(fake.inFlight).toBe(1);
    controller.abort();
    await fake.waitForIdle();
    expect(fake.requests[0]?.aborted).toBe(true);
  });

  it('cuts the connection after N events', async () => {
    fake.enqueue({ cutAfterEvents: 4 });
    const res = await post('/v1/messages', { ...BODY, stream: true });
    const r = reader(res);
    await expect(r.readAll()).rejects.toThrow();
    expect(parseSseFrames(r.text)).toHaveLength(4);
    await fake.waitForIdle();
    expect(fake.requests[0]?.completed).toBe(false);
    expect(fake.requests[0]?.aborted).toBe(false);
  });

  it('cuts a non-streaming body half-way', async () => {
    fake.enqueue({ cutAfterEvents: 0 });
    const res = await post('/v1/messages', BODY);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('sends the in-stream error event after N events', async () => {
    fake.enqueue({ errorEventAfterEvents: 3 });
    const res = await post('/v1/messages', { ...BODY, stream: true });
    expect(res.status).toBe(200);
    const text = await res.text();
    const frames = parseSseFrames(text);
    expect(frames.map((f) => f.event)).toEqual(['message_start', 'content_block_start', 'ping', 'error']);
    expect(
      text.endsWith(
        'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
      ),
    ).toBe(true);
  });

  it('sends garbage that is not parseable SSE', async () => {
    fake.enqueue({ garbage: true });
    const res = await post('/v1/messages', { ...BODY, stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.includes(0xff)).toBe(true);
    const frames = parseSseFrames(bytes.toString('latin1')).filter((f) => f.data !== '');
    expect(frames.length).toBeGreaterThan(0);
    for (const f of frames) expect(() => JSON.parse(f.data)).toThrow();
  });

  it('sends an exact JSON body with the scenario status', async () => {
    fake.enqueue({ json: { hello: 'world' }, status: 202, headers: { 'X-Extra': 'yes' } });
    const res = await post('/v1/messages', BODY);
    expect(res.status).toBe(202);
    expect(res.headers.get('x-extra')).toBe('yes');
    expect(await res.json()).toEqual({ hello: 'world' });
  });

  it('gzips JSON and streams regardless of accept-encoding', async () => {
    fake.enqueue({ gzip: true }, { gzip: true });
    const raw = (body: unknown) =>
      new Promise<{ encoding: string | undefined; bytes: Buffer }>((resolve, reject) => {
        const req = httpRequest(`${fake.url}/v1/messages`, { method: 'POST', headers: HEADERS }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ encoding: res.headers['content-encoding'], bytes: Buffer.concat(chunks) }),
          );
        });
        req.on('error', reject);
        req.end(JSON.stringify(body));
      });
    const json = await raw(BODY);
    expect(json.encoding).toBe('gzip');
    expect(JSON.parse(gunzipSync(json.bytes).toString()).type).toBe('message');
    const stream = await raw({ ...BODY, stream: true });
    expect(stream.encoding).toBe('gzip');
    expect(parseSseFrames(gunzipSync(stream.bytes).toString())).toHaveLength(9);
  });

  it('splits the text into `chunks` deltas', async () => {
    fake.enqueue({ text: 'a b c d e f g', chunks: 5 });
    const frames = parseSseFrames(await (await post('/v1/messages', { ...BODY, stream: true })).text());
    const deltas = frames.filter((f) => f.event === 'content_block_delta');
    expect(deltas).toHaveLength(5);
    const joined = deltas.map((f) => (JSON.parse(f.data) as { delta: { text: string } }).delta.text).join('');
    expect(joined).toBe('a b c d e f g');
  });
});

describe('anthropic', () => {
  it('checks auth, anthropic-version, JSON and model', async () => {
    const wrong = await post('/v1/messages', BODY, { ...HEADERS, 'x-api-key': 'wrong' });
    expect(wrong.status).toBe(401);
    const body = (await wrong.json()) as { request_id: string };
    expect(body).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'invalid x-api-key' },
      request_id: expect.stringMatching(/^req_/),
    });
    expect(wrong.headers.get('request-id')).toBe(body.request_id);
    const { 'x-api-key': _key, ...noKey } = HEADERS;
    expect((await post('/v1/messages', BODY, { ...noKey, authorization: `Bearer ${KEY}` })).status).toBe(200);
    const { 'anthropic-version': _v, ...noVersion } = HEADERS;
    const missingVersion = await post('/v1/messages', BODY, noVersion);
    expect(missingVersion.status).toBe(400);
    expect((await errorOf(missingVersion)).type).toBe('invalid_request_error');
    const badJson = await post('/v1/messages', '{"model":', HEADERS);
    expect(badJson.status).toBe(400);
    expect((await errorOf(badJson)).type).toBe('invalid_request_error');
    const noModel = await post('/v1/messages', { max_tokens: 5, messages: [] });
    expect(noModel.status).toBe(400);
  });

  it('answers JSON messages with default usage and rate-limit headers', async () => {
    const payload = JSON.stringify(BODY);
    const res = await post('/v1/messages', payload);
    expect(res.headers.get('request-id')).toMatch(/^req_\w+/);
    for (const kind of ['requests', 'tokens', 'input-tokens', 'output-tokens']) {
      expect(res.headers.get(`anthropic-ratelimit-${kind}-limit`)).toMatch(/^\d+$/);
      expect(res.headers.get(`anthropic-ratelimit-${kind}-remaining`)).toMatch(/^\d+$/);
      expect(res.headers.get(`anthropic-ratelimit-${kind}-reset`)).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
      );
    }
    const { input, output } = defaultUsage(Buffer.byteLength(payload));
    const usage = {
      input_tokens: input,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      output_tokens: output,
      service_tier: 'standard',
    };
    expect(await res.json()).toEqual({
      id: expect.stringMatching(/^msg_/),
      type: 'message',
      role: 'assistant',
      model: BODY.model,
      content: [{ type: 'text', text: DEFAULT_TEXT }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage,
    });
    expect(fake.requests[0]?.reportedUsage).toEqual(usage);
  });

  it('streams the exact event sequence with usage in message_start and message_delta', async () => {
    fake.enqueue({
      text: 'one two three',
      usage: {
        inputTokens: 10,
        outputTokens: 7,
        cacheReadTokens: 3,
        cacheWrite5mTokens: 4,
        cacheWrite1hTokens: 5,
      },
    });
    const res = await post('/v1/messages', { ...BODY, stream: true });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const text = await res.text();
    const frames = parseSseFrames(text);
    expect(frames.map((f) => f.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    for (const f of frames) expect((JSON.parse(f.data) as { type: string }).type).toBe(f.event);
    expect(text).toContain(anthropicSseFrame('ping', { type: 'ping' }));
    const start = JSON.parse(frames[0]?.data ?? '') as { message: { content: unknown[]; usage: unknown } };
    expect(start.message.content).toEqual([]);
    expect(start.message.usage).toEqual({
      input_tokens: 10,
      cache_creation_input_tokens: 9,
      cache_read_input_tokens: 3,
      cache_creation: { ephemeral_5m_input_tokens: 4, ephemeral_1h_input_tokens: 5 },
      output_tokens: 1,
      service_tier: 'standard',
    });
    expect(JSON.parse(frames[7]?.data ?? '')).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: {
        input_tokens: 10,
        cache_creation_input_tokens: 9,
        cache_read_input_tokens: 3,
        output_tokens: 7,
      },
    });
    expect(fake.requests[0]?.reportedUsage).toMatchObject({
      output_tokens: 7,
      cache_creation_input_tokens: 9,
    });
  });

  it('maps error statuses to Anthropic error types, with 429 rate-limit headers', async () => {
    const expected: Record<number, string> = {
      400: 'invalid_request_error',
      401: 'authentication_error',
      403: 'permission_error',
      404: 'not_found_error',
      413: 'request_too_large',
      429: 'rate_limit_error',
      500: 'api_error',
      529: 'overloaded_error',
      502: 'api_error',
    };
    for (const [status, type] of Object.entries(expected)) {
      fake.enqueue({ status: Number(status) });
      const res = await post('/v1/messages', BODY);
      expect(res.status).toBe(Number(status));
      expect(res.headers.get('request-id')).toMatch(/^req_/);
      expect((await errorOf(res)).type).toBe(type);
      if (status === '429') {
        expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(res.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
        expect(res.headers.get('anthropic-ratelimit-tokens-remaining')).toBe('0');
      }
    }
    fake.enqueue({ status: 429, headers: { 'retry-after': '7' }, errorType: 'custom', errorMessage: 'msg' });
    const res = await post('/v1/messages', BODY);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await errorOf(res)).toEqual({ type: 'custom', message: 'msg' });
  });

  it('counts tokens and lists models', async () => {
    const payload = JSON.stringify({ model: BODY.model, messages: BODY.messages });
    const count = await post('/v1/messages/count_tokens', payload);
    expect(await count.json()).toEqual({ input_tokens: Math.ceil(Buffer.byteLength(payload) / 4) });
    const models = await fetch(`${fake.url}/v1/models`, { headers: HEADERS });
    const list = (await models.json()) as { data: { id: string; type: string }[]; has_more: boolean };
    expect(list.has_more).toBe(false);
    expect(list.data[0]).toEqual({
      type: 'model',
      id: 'claude-sonnet-4-5-20250929',
      display_name: 'Claude Sonnet 4.5',
      created_at: '2025-09-29T00:00:00Z',
    });
    expect(list).toMatchObject({ first_id: list.data[0]?.id, last_id: list.data[list.data.length - 1]?.id });
  });
});
