// Fake upstream: the `replay` scenario that sends recorded bytes as they are, in pieces, gzipped or cut short,
// read by the official @anthropic-ai/sdk like a live stream.
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anthropicSseFrame, type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { KEY } from '../support/fake-upstream-tools.js';
import { rawRequest } from '../support/http.js';

/** Every byte received, also when the server cuts the response short (`aborted`). */
function receive(
  url: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<{ bytes: Buffer; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ bytes: Buffer.concat(chunks), aborted: false }));
      res.on('error', () => resolve({ bytes: Buffer.concat(chunks), aborted: true }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

let fake: FakeUpstream;

beforeAll(async () => {
  fake = await startFakeUpstream({ apiKey: KEY });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

describe('replay', () => {
  // A short Anthropic stream, with a multi-byte character so byte pieces can split it.
  const RECORDED = Buffer.from(
    [
      anthropicSseFrame('message_start', {
        type: 'message_start',
        message: {
          model: 'claude-sonnet-4-5-20250929',
          id: 'msg_01Recorded',
          type: 'message',
          role: 'assistant',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: 12,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
            output_tokens: 1,
          },
        },
      }),
      anthropicSseFrame('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      }),
      anthropicSseFrame('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: 'Bonjour à toi — ☀️' },
      }),
      anthropicSseFrame('content_block_stop', { type: 'content_block_stop', index: 0 }),
      anthropicSseFrame('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: 6 },
      }),
      anthropicSseFrame('message_stop', { type: 'message_stop' }),
    ].join(''),
  );
  const ANTHROPIC_HEADERS = {
    'x-api-key': KEY,
    'anthropic-version': '2023-06-01',
    'content-type': 'application/json',
  };
  const anthropicPost = (body: unknown, key = KEY) =>
    rawRequest(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { ...ANTHROPIC_HEADERS, 'x-api-key': key },
      body: JSON.stringify(body),
    });
  const BODY = {
    model: 'claude-haiku-4-5',
    max_tokens: 64,
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
  };

  it('sends the recorded bytes exactly, in pieces, with the route headers', async () => {
    fake.enqueue({ replay: RECORDED, chunks: 7, eventDelayMs: 5 });
    const response = await anthropicPost(BODY);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream');
    expect(response.headers['request-id']).toMatch(/^req_/);
    expect(response.bytes.equals(RECORDED)).toBe(true);
    expect(fake.requests[0]?.sentBody?.equals(RECORDED)).toBe(true);
    expect(fake.requests[0]?.completed).toBe(true);
    expect(fake.requests[0]?.reportedUsage).toBeUndefined();
  });

  it('is parsed by the SDK like a live stream', async () => {
    fake.enqueue({ replay: RECORDED, chunks: 13 });
    const client = new Anthropic({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 });
    const message = await client.messages
      .stream({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] })
      .finalMessage();
    expect(message.id).toBe('msg_01Recorded');
    expect(message.content).toEqual([{ type: 'text', text: 'Bonjour à toi — ☀️' }]);
    expect(message.usage.output_tokens).toBe(6);
  });

  it('takes its content type from headers, works on any route, and gzips on request', async () => {
    const json = Buffer.from('{"recorded":true}');
    fake.enqueue({ replay: json, headers: { 'Content-Type': 'application/json' }, gzip: true });
    const response = await rawRequest(`${fake.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', input: 'hi' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(response.bytes).equals(json)).toBe(true);
    expect(fake.requests[0]?.sentBody?.equals(json)).toBe(true);
  });

  it('cuts after N pieces, and leaves refusals and error statuses alone', async () => {
    fake.enqueue({ replay: RECORDED, chunks: 4, cutAfterEvents: 2 });
    const cut = await receive(`${fake.url}/v1/messages`, ANTHROPIC_HEADERS, BODY);
    const half = RECORDED.subarray(0, Math.floor(RECORDED.length / 2));
    expect(cut).toEqual({ bytes: half, aborted: true });
    expect(fake.requests[0]?.sentBody?.equals(half)).toBe(true);

    fake.enqueue({ replay: RECORDED });
    const refused = await anthropicPost(BODY, 'wrong-key');
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error' },
    });

    fake.enqueue({ replay: RECORDED, status: 529 });
    const overloaded = await anthropicPost(BODY);
    expect(overloaded.status).toBe(529);
    expect(JSON.parse(overloaded.body)).toMatchObject({ error: { type: 'overloaded_error' } });
  });
});
