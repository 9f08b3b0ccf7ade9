// The one ordered pair no relay route reaches: a Chat Completions client on an account that speaks only
// Responses (every kind that speaks Responses also speaks Chat and serves it as it is, but Codex's backend, which
// takes no translated request). Its translation is still proven: a loopback bridge composes the pipeline's own
// functions (the Chat format's parse, readForTranslation, renderForUpstream, answerTranslation) between the
// openai SDK's Chat client and the fake upstream's Responses API, streams fed to the decoder in small pieces.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chatFormat } from '../../src/relay/formats/openai-chat/format.js';
import {
  answerTranslation,
  readForTranslation,
  renderForUpstream,
} from '../../src/relay/pipeline/translation.js';
import { translatorOf } from '../../src/relay/pipeline/translator-registry.js';
import { DEFAULT_TEXT, type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { formatClient, TOOL_RESULT, WEATHER_TOOL } from '../support/format-clients.js';

const MODEL = 'gpt-5-mini';
const USAGE = { inputTokens: 120, cacheReadTokens: 16, outputTokens: 9 };

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('a Chat client on a Responses-only upstream, through the pipeline’s translation functions', () => {
  let fake: FakeUpstream;
  let bridge: Server;
  let bridgeUrl = '';

  beforeAll(async () => {
    fake = await startFakeUpstream();
    bridge = createServer((request, response) => {
      void (async () => {
        const info = chatFormat.parse(await bodyOf(request), 'generate', { params: {}, query: '' });
        const translation = readForTranslation('openai-chat', info);
        const upstream = translatorOf('openai-responses');
        const rendered = renderForUpstream(translation, upstream, info.model, undefined);
        const answer = answerTranslation(translation, upstream, {
          model: info.model,
          requestId: 'req_bridge',
          clientQuery: '',
          created: 1_767_225_600,
        });
        const reply = await fetch(`${fake.url}/v1/responses`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer sk-upstream' },
          body: rendered.body.toString('utf8'),
        });
        const bytes = Buffer.from(await reply.arrayBuffer());
        if (!info.stream) {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(answer.body(bytes));
          return;
        }
        const stream = answer.createStream();
        response.writeHead(200, { 'content-type': answer.streamContentType });
        for (let at = 0; at < bytes.length; at += 7) response.write(stream.push(bytes.subarray(at, at + 7)));
        response.end(stream.end());
      })().catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(String(error));
      });
    });
    await new Promise<void>((resolve) => bridge.listen(0, '127.0.0.1', resolve));
    bridgeUrl = `http://127.0.0.1:${(bridge.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => bridge?.close(() => resolve()));
    await fake?.close();
  });
  beforeEach(() => {
    fake.reset();
    fake.setDefault({ usage: USAGE });
  });

  for (const stream of [false, true]) {
    const mode = stream ? 'streamed' : 'JSON';

    it(`answers text, ${mode}, with the upstream's usage`, async () => {
      const answer = await formatClient('openai-chat', bridgeUrl, 'unused').text(MODEL, stream);
      expect(answer.text).toBe(DEFAULT_TEXT);
      expect(fake.requests[0]?.path).toBe('/v1/responses');
      // Chat counts cached input inside prompt_tokens, as OpenAI reports it.
      expect(answer.usage).toEqual({
        input: USAGE.inputTokens + USAGE.cacheReadTokens,
        output: USAGE.outputTokens,
      });
    });

    it(`completes a tool round trip, ${mode}`, async () => {
      fake.enqueue({ toolCalls: [{ name: WEATHER_TOOL.name, arguments: '{"city":"Paris"}' }] }, {});
      const { call, final } = await formatClient('openai-chat', bridgeUrl, 'unused').toolRoundTrip(
        MODEL,
        stream,
      );
      expect(call.toolCalls[0]).toMatchObject({ name: WEATHER_TOOL.name, arguments: { city: 'Paris' } });
      expect(final.text).toBe(DEFAULT_TEXT);
      const second = fake.requests[1]?.json as { input?: { type?: string; output?: string }[] };
      expect(second.input?.some((item) => item.type === 'function_call')).toBe(true);
      expect(second.input?.find((item) => item.type === 'function_call_output')?.output).toBe(TOOL_RESULT);
    });
  }
});
