// The fake Bedrock runtime driven through the relay's Bedrock modules: same answers as the fake Anthropic
// upstream, Bedrock's own body checks, and the faults a Bedrock account really produces.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bedrockHttpError } from '../../src/relay/providers/bedrock/errors.js';
import { BedrockStreamConverter } from '../../src/relay/providers/bedrock/event-stream.js';
import { bedrockModelId } from '../../src/relay/providers/bedrock/request.js';
import { type BedrockAuth, bedrockAuthHeaders } from '../../src/relay/providers/bedrock/sign.js';
import { callBedrock } from '../support/fake-bedrock/client.js';
import {
  bedrockFaults,
  FAKE_BEDROCK_CREDENTIAL,
  FAKE_BEDROCK_REGION,
  type FakeBedrock,
  startFakeBedrock,
} from '../support/fake-bedrock/index.js';
import { type FakeUpstream, parseSseFrames, startFakeUpstream } from '../support/fake-upstream/index.js';
import { rawRequest } from '../support/http.js';

const AUTH: BedrockAuth = { region: FAKE_BEDROCK_REGION, ...FAKE_BEDROCK_CREDENTIAL };
const MODEL = 'claude-sonnet-4-5-20250929';
const API_KEY = 'sk-ant-fake';

function clientBody(stream: boolean, extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      model: MODEL,
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Say hello in a few words, please.' }],
      ...extra,
      ...(stream ? { stream: true } : {}),
    }),
  );
}

function viaBedrock(stream: boolean, body = clientBody(stream)) {
  return callBedrock(bedrock.url, { body, modelId: bedrockModelId(MODEL), stream, auth: AUTH });
}

/** Feeds the received chunks, as the socket delivered them, through the converter. */
function convert(chunks: Buffer[]): { sse: string; converter: BedrockStreamConverter } {
  const converter = new BedrockStreamConverter();
  const out = chunks.map((chunk) => converter.push(chunk));
  out.push(converter.end());
  return { sse: Buffer.concat(out).toString('utf8'), converter };
}

/** Message ids are unique per answer; everything else must match. */
function withoutIds(text: string): string {
  return text.replace(/"id":"msg_[A-Za-z0-9]+"/g, '"id":"msg_X"');
}

async function direct(body: Buffer): Promise<string> {
  const response = await rawRequest(`${anthropic.url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': API_KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body,
  });
  expect(response.status).toBe(200);
  return response.body;
}

/** Sends an arbitrary (already Bedrock-shaped or not) body, correctly signed. */
async function signedPost(path: string, body: string) {
  const url = new URL(path, bedrock.url);
  const headers = { 'content-type': 'application/json' };
  const bytes = Buffer.from(body);
  const auth = await bedrockAuthHeaders({ method: 'POST', url, headers, body: bytes }, AUTH);
  const response = await rawRequest(url.href, {
    method: 'POST',
    headers: { ...headers, ...auth },
    body: bytes,
  });
  return { ...response, exception: String(response.headers['x-amzn-errortype']).split(':')[0] };
}

let bedrock: FakeBedrock;
let anthropic: FakeUpstream;

beforeAll(async () => {
  [bedrock, anthropic] = await Promise.all([startFakeBedrock(), startFakeUpstream({ apiKey: API_KEY })]);
});

afterEach(() => {
  bedrock.reset();
  anthropic.reset();
});

afterAll(async () => {
  await Promise.all([bedrock.close(), anthropic.close()]);
});

describe('fake Bedrock answers', () => {
  it('streams, once converted, exactly what the fake Anthropic upstream streams for the same request', async () => {
    const response = await viaBedrock(true);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.amazon.eventstream');
    const { sse, converter } = convert(response.chunks);
    expect(converter.error).toBeUndefined();
    expect(withoutIds(sse)).toBe(withoutIds(await direct(clientBody(true))));
    expect(bedrock.calls[0]?.reportedUsage).toEqual(anthropic.requests[0]?.reportedUsage);
    const usage = anthropic.requests[0]?.reportedUsage as { input_tokens: number; output_tokens: number };
    expect(converter.invocationMetrics).toMatchObject({
      inputTokenCount: usage.input_tokens,
      outputTokenCount: usage.output_tokens,
    });
    // Bedrock's base64 chunk payloads, not SSE, went over the wire.
    expect(response.body.toString('latin1')).toMatch(/"bytes":"[A-Za-z0-9+/=]+"/);
  });

  it('follows the scenario text, chunking and usage like the Anthropic fake', async () => {
    const scenario = { text: 'Bonjour à tous ✓', chunks: 5, usage: { inputTokens: 1234, outputTokens: 56 } };
    bedrock.enqueue(scenario);
    anthropic.enqueue(scenario);
    const { sse } = convert((await viaBedrock(true)).chunks);
    expect(withoutIds(sse)).toBe(withoutIds(await direct(clientBody(true))));
    expect(parseSseFrames(sse).filter((frame) => frame.event === 'content_block_delta')).toHaveLength(5);
  });

  it('answers invoke with the same message JSON and Bedrock token headers', async () => {
    const response = await viaBedrock(false);
    expect(response.status).toBe(200);
    const message = JSON.parse(response.body.toString()) as {
      usage: { input_tokens: number; output_tokens: number };
    };
    expect(withoutIds(response.body.toString())).toBe(withoutIds(await direct(clientBody(false))));
    expect(response.headers['x-amzn-bedrock-input-token-count']).toBe(String(message.usage.input_tokens));
    expect(response.headers['x-amzn-bedrock-output-token-count']).toBe(String(message.usage.output_tokens));
  });

  it('records the translated call', async () => {
    await viaBedrock(true);
    const call = bedrock.calls[0];
    expect(call).toMatchObject({
      method: 'POST',
      path: '/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke-with-response-stream',
      modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
      operation: 'invoke-with-response-stream',
      rejected: undefined,
      completed: true,
    });
    expect(call?.json).toEqual({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Say hello in a few words, please.' }],
    });
  });
});

describe('fake Bedrock body checks', () => {
  const path = `/model/${encodeURIComponent('anthropic.claude-sonnet-4-5-20250929-v1:0')}/invoke`;
  const valid = { anthropic_version: 'bedrock-2023-05-31', max_tokens: 8, messages: [] };

  it.each([
    ['model', { ...valid, model: MODEL }, 'extraneous key [model]'],
    ['stream', { ...valid, stream: false }, 'extraneous key [stream]'],
    ['no anthropic_version', { max_tokens: 8, messages: [] }, 'required key [anthropic_version]'],
    ['the Anthropic API version', { ...valid, anthropic_version: '2023-06-01' }, 'anthropic_version'],
  ])('rejects a body with %s', async (_name, body, detail) => {
    const response = await signedPost(path, JSON.stringify(body));
    expect(response.status).toBe(400);
    expect(response.exception).toBe('ValidationException');
    expect((JSON.parse(response.body) as { message: string }).message).toContain(detail);
    expect(bedrock.calls[0]?.rejected?.exception).toBe('ValidationException');
  });

  it('accepts the same body without them', async () => {
    expect((await signedPost(path, JSON.stringify(valid))).status).toBe(200);
  });

  it('rejects a model name it does not know as an invalid identifier', async () => {
    const response = await signedPost('/model/claude-unknown-9/invoke', JSON.stringify(valid));
    expect(response.status).toBe(400);
    expect(response.exception).toBe('ValidationException');
    expect(response.body).toContain('The provided model identifier is invalid.');
  });

  it('refuses a request without any authentication', async () => {
    const response = await rawRequest(`${bedrock.url}${path}`, {
      method: 'POST',
      body: JSON.stringify(valid),
    });
    expect(response.status).toBe(403);
    expect(String(response.headers['x-amzn-errortype'])).toMatch(/^MissingAuthenticationTokenException:/);
  });
});

describe('fake Bedrock faults', () => {
  it('throttles with 429 ThrottlingException and the real message', async () => {
    bedrock.enqueue(bedrockFaults.throttle());
    const response = await viaBedrock(true);
    expect(response.status).toBe(429);
    expect(String(response.headers['x-amzn-errortype'])).toBe(
      'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/',
    );
    expect(JSON.parse(response.body.toString())).toEqual({
      message: 'Too many requests, please wait before trying again.',
    });
    expect(bedrockHttpError(response.status, response.headers, response.body)).toMatchObject({
      status: 429,
      type: 'rate_limit_error',
      retryable: true,
    });
  });

  it('answers 503 ServiceUnavailableException, shown as overloaded', async () => {
    bedrock.enqueue(bedrockFaults.unavailable());
    const response = await viaBedrock(false);
    expect(response.status).toBe(503);
    expect(bedrockHttpError(response.status, response.headers, response.body)).toMatchObject({
      status: 529,
      type: 'overloaded_error',
      exception: 'ServiceUnavailableException',
    });
  });

  it('sends an exception frame after some content', async () => {
    bedrock.enqueue(bedrockFaults.streamException(4));
    const response = await viaBedrock(true);
    expect(response.status).toBe(200);
    expect(response.cut).toBe(false);
    const { sse, converter } = convert(response.chunks);
    const frames = parseSseFrames(sse);
    expect(frames.map((frame) => frame.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'error',
    ]);
    expect(converter.error).toEqual({
      type: 'api_error',
      message: 'The model stream ended with an error. Try your request again.',
    });
  });

  it('cuts the connection in the middle of a frame', async () => {
    bedrock.enqueue(bedrockFaults.cutMidStream(3));
    const response = await viaBedrock(true);
    expect(response.status).toBe(200);
    expect(response.cut).toBe(true);
    const { sse, converter } = convert(response.chunks);
    expect(parseSseFrames(sse).map((frame) => frame.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'error',
    ]);
    expect(converter.error?.type).toBe('api_error');
  });

  it('cuts cleanly between frames when asked to', async () => {
    bedrock.enqueue({ cutAfterEvents: 2, cutMidFrame: false });
    const response = await viaBedrock(true);
    expect(response.cut).toBe(true);
    const { sse, converter } = convert(response.chunks);
    expect(parseSseFrames(sse).map((frame) => frame.event)).toEqual(['message_start', 'content_block_start']);
    expect(converter.error).toBeUndefined();
  });

  it('holds the first byte back', async () => {
    bedrock.enqueue(bedrockFaults.slowFirstByte(150));
    const response = await viaBedrock(true);
    expect(response.headersAfterMs).toBeGreaterThanOrEqual(140);
    expect(convert(response.chunks).converter.error).toBeUndefined();
  });

  it('keeps frames whole across event delays', async () => {
    bedrock.enqueue({ eventDelayMs: 5 });
    const response = await viaBedrock(true);
    const { sse, converter } = convert(response.chunks);
    expect(converter.error).toBeUndefined();
    expect(parseSseFrames(sse).at(-1)?.event).toBe('message_stop');
    expect(response.chunks.length).toBeGreaterThan(1);
  });
});
