// The Gemini translator encoding for a Gemini client: canonical streams (SSE or one JSON array) and complete
// answers, read back by the official @google/genai SDK from a loopback server.
import { type GenerateContentResponse, GoogleGenAI } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import type { StreamPart } from '../../src/relay/canonical/response.js';
import { emptyUsage, usageOf } from '../../src/relay/canonical/usage.js';
import { geminiTranslator } from '../../src/relay/translate/gemini/translator.js';
import type { AnswerContext } from '../../src/relay/translate/translator.js';
import { canonical, decode, expected, fixture, SCENARIOS, summarize } from '../support/translate/gemini.js';
import { useSdkServer } from '../support/translate/sdk-server.js';

const sdk = useSdkServer();

function context(clientQuery: string): AnswerContext {
  return {
    model: 'gemini-client-model',
    requestId: 'req_0123',
    clientQuery,
    created: 1_700_000_000,
    request: canonical([]),
  };
}

function encode(parts: StreamPart[], clientQuery = 'alt=sse', batches = 3): string {
  const encoder = geminiTranslator.encodeStream(context(clientQuery));
  let text = '';
  const size = Math.max(1, Math.ceil(parts.length / batches));
  for (let index = 0; index < parts.length; index += size)
    text += encoder.write(parts.slice(index, index + size));
  return text + encoder.end();
}

const client = () => new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: sdk.url } });

interface SdkResult {
  text: string;
  thoughts: string;
  calls: { id: string | undefined; name: string | undefined; args: unknown }[];
  signatures: string[];
  finish: string | undefined;
  usage: GenerateContentResponse['usageMetadata'];
  responseId: string | undefined;
  modelVersion: string | undefined;
}

function readChunks(chunks: GenerateContentResponse[]): SdkResult {
  const result: SdkResult = {
    text: '',
    thoughts: '',
    calls: [],
    signatures: [],
    finish: undefined,
    usage: undefined,
    responseId: undefined,
    modelVersion: undefined,
  };
  for (const chunk of chunks) {
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.thought && part.text) result.thoughts += part.text;
      else if (part.text) result.text += part.text;
      if (part.thoughtSignature) result.signatures.push(part.thoughtSignature);
    }
    for (const call of chunk.functionCalls ?? [])
      result.calls.push({ id: call.id, name: call.name, args: call.args });
    result.finish = candidate?.finishReason ?? result.finish;
    result.usage = chunk.usageMetadata ?? result.usage;
    result.responseId = chunk.responseId;
    result.modelVersion = chunk.modelVersion;
  }
  return result;
}

async function streamThroughSdk(body: string): Promise<SdkResult> {
  sdk.reply({ body, contentType: geminiTranslator.streamContentType('alt=sse') });
  const stream = await client().models.generateContentStream({
    model: 'gemini-client-model',
    contents: 'hi',
  });
  const chunks: GenerateContentResponse[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return readChunks(chunks);
}

describe('encoding a stream for a Gemini client, read by @google/genai', () => {
  for (const scenario of SCENARIOS.filter((name) => name !== 'mid-stream-error')) {
    it(`streams ${scenario}`, async () => {
      const want = expected(scenario);
      const result = await streamThroughSdk(encode(decode([fixture(`${scenario}.sse`)])));
      expect(sdk.requests.at(-1)?.url).toBe(
        '/v1beta/models/gemini-client-model:streamGenerateContent?alt=sse',
      );
      expect(result.text).toBe(want.text);
      expect(result.thoughts).toBe(want.reasoning);
      expect(result.calls.map((call) => ({ name: call.name, arguments: JSON.stringify(call.args) }))).toEqual(
        want.toolCalls,
      );
      expect(result.finish).toBe(
        { stop: 'STOP', 'tool-calls': 'STOP', 'content-filter': 'SAFETY' }[want.finish as 'stop'],
      );
      expect(result.usage).toMatchObject({
        promptTokenCount: want.usage.input + want.usage.cacheRead,
        candidatesTokenCount: want.usage.output - want.usage.reasoning,
        totalTokenCount: want.usage.input + want.usage.cacheRead + want.usage.output,
      });
      expect(result.usage?.cachedContentTokenCount).toBe(want.usage.cacheRead || undefined);
      expect(result.usage?.thoughtsTokenCount).toBe(want.usage.reasoning || undefined);
      expect(result.modelVersion).toBe('gemini-client-model');
    });
  }

  it('passes call ids and signatures through, so a client can send them back', async () => {
    const result = await streamThroughSdk(encode(decode([fixture('tool-calls-parallel.sse')])));
    expect(result.calls.map((call) => call.id)).toEqual([
      'call_8Y2MafD_H4WZ0-kPr9qJgQg_0',
      'call_8Y2MafD_H4WZ0-kPr9qJgQg_1',
    ]);
    expect(result.signatures).toHaveLength(1);
    expect(result.responseId).toBe('8Y2MafD_H4WZ0-kPr9qJgQg');
    const reasoning = await streamThroughSdk(encode(decode([fixture('reasoning.sse')])));
    expect(reasoning.signatures).toEqual([expect.stringMatching(/^EqAD/)]);
  });

  it('raises the upstream in-stream error in the SDK after the text before it', async () => {
    const body = encode(decode([fixture('mid-stream-error.sse')]));
    expect(body).toMatch(/"status":"UNAVAILABLE"/);
    const chunks: GenerateContentResponse[] = [];
    sdk.reply({ body, contentType: 'text/event-stream' });
    const run = async () => {
      const stream = await client().models.generateContentStream({
        model: 'gemini-client-model',
        contents: 'hi',
      });
      for await (const chunk of stream) chunks.push(chunk);
    };
    await expect(run()).rejects.toThrow(/overloaded/);
    expect(readChunks(chunks).text).toBe(expected('mid-stream-error').text);
  });

  it("renders the relay's own failure as Google's error and writes nothing after it", async () => {
    const encoder = geminiTranslator.encodeStream(context('alt=sse'));
    let body = encoder.write([
      { type: 'start', id: 'r1', model: 'x' },
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'partial' },
    ]);
    body += encoder.fail(new AppError('upstream_timeout', 'The upstream stopped answering'));
    expect(encoder.write([{ type: 'text-delta', id: 't', delta: 'more' }])).toBe('');
    expect(encoder.end()).toBe('');
    sdk.reply({ body, contentType: 'text/event-stream' });
    const run = async () => {
      const stream = await client().models.generateContentStream({
        model: 'gemini-client-model',
        contents: 'hi',
      });
      for await (const _chunk of stream) {
        // drained until the error
      }
    };
    await expect(run()).rejects.toThrow(/DEADLINE_EXCEEDED/);
  });

  it('copes with parts in any legal order: reasoning, text, calls, usage after finish, blocks left open', async () => {
    const usage = usageOf({ inputNoCache: 10, cacheRead: 5, outputText: 7, outputReasoning: 3 }, undefined);
    const parts: StreamPart[] = [
      { type: 'start', id: 'chatcmpl-1', model: 'other-model' },
      { type: 'reasoning-start', id: 'r' },
      { type: 'reasoning-delta', id: 'r', delta: 'think' },
      { type: 'reasoning-end', id: 'r', signature: 'sig-r' },
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'Hel' },
      { type: 'text-delta', id: 't', delta: 'lo' },
      { type: 'text-end', id: 't' },
      { type: 'tool-call-start', id: 'a', name: 'first' },
      { type: 'tool-call-start', id: 'b', name: 'second' },
      { type: 'tool-call-delta', id: 'b', delta: '{"n":' },
      { type: 'tool-call-delta', id: 'a', delta: '{}' },
      { type: 'tool-call-delta', id: 'b', delta: '2}' },
      { type: 'tool-call-end', id: 'b' },
      { type: 'tool-call-end', id: 'a' },
      { type: 'finish', reason: { unified: 'tool-calls', raw: 'tool_calls' } },
      { type: 'usage', usage },
      { type: 'text-start', id: 'late' },
      { type: 'text-delta', id: 'late', delta: '!' },
    ];
    const result = await streamThroughSdk(encode(parts, 'alt=sse', parts.length));
    expect(result.thoughts).toBe('think');
    expect(result.text).toBe('Hello!');
    expect(result.calls).toEqual([
      { id: 'b', name: 'second', args: { n: 2 } },
      { id: 'a', name: 'first', args: {} },
    ]);
    expect(result.signatures).toEqual(['sig-r']);
    expect(result.finish).toBe('STOP');
    expect(result.responseId).toBe('chatcmpl-1');
    expect(result.usage).toEqual({
      promptTokenCount: 15,
      cachedContentTokenCount: 5,
      candidatesTokenCount: 7,
      thoughtsTokenCount: 3,
      totalTokenCount: 25,
    });
  });

  it('frames a stream without alt=sse as one JSON array, which decodes back to the same', () => {
    expect(geminiTranslator.streamContentType('')).toBe('application/json');
    expect(geminiTranslator.streamContentType('alt=sse&key=x')).toBe('text/event-stream');
    expect(geminiTranslator.upstreamQuery?.(true)).toBe('alt=sse');
    expect(geminiTranslator.upstreamQuery?.(false)).toBe('');
    for (const scenario of SCENARIOS) {
      const body = encode(decode([fixture(`${scenario}.sse`)]), '');
      const chunks = JSON.parse(body) as unknown[];
      expect(chunks.length).toBeGreaterThan(0);
      const again = summarize(decode([Buffer.from(body)]));
      expect(again).toEqual(expected(scenario));
    }
    const encoder = geminiTranslator.encodeStream(context(''));
    expect(encoder.end()).toBe('[]');
    const failed = geminiTranslator.encodeStream(context(''));
    const text = failed.fail(new AppError('upstream_overloaded', 'busy'));
    expect(JSON.parse(text)).toEqual([
      { error: expect.objectContaining({ code: 529, status: 'UNAVAILABLE' }) },
    ]);
  });
});

describe('rendering a complete answer for a Gemini client, read by @google/genai', () => {
  it('renders text, thoughts, calls with ids and signatures, usage and finish', async () => {
    const response = geminiTranslator.toCanonicalResponse(
      JSON.parse(fixture('tool-calls-parallel.body.json').toString()),
    );
    const rendered = geminiTranslator.fromCanonicalResponse(response, context(''));
    sdk.reply({ body: JSON.stringify(rendered), contentType: 'application/json' });
    const result = await client().models.generateContent({ model: 'gemini-client-model', contents: 'hi' });
    expect(sdk.requests.at(-1)?.url).toBe('/v1beta/models/gemini-client-model:generateContent');
    expect(result.functionCalls).toEqual([
      {
        id: 'call_8Y2MafD_H4WZ0-kPr9qJgQg_0',
        name: 'get_weather',
        args: { city: 'Lisbon', unit: 'celsius' },
      },
      { id: 'call_8Y2MafD_H4WZ0-kPr9qJgQg_1', name: 'get_weather', args: { city: 'Porto', unit: 'celsius' } },
    ]);
    expect(result.candidates?.[0]?.content?.parts?.[0]?.thoughtSignature).toMatch(/^CiQB/);
    expect(result.candidates?.[0]?.finishReason).toBe('STOP');
    expect(result.usageMetadata).toEqual({
      promptTokenCount: 73,
      candidatesTokenCount: 30,
      thoughtsTokenCount: 112,
      totalTokenCount: 215,
    });
    expect(result.responseId).toBe('8Y2MafD_H4WZ0-kPr9qJgQg');
    expect(result.modelVersion).toBe('gemini-client-model');
  });

  it('renders reasoning as thought parts and a text signature back on its text', async () => {
    const response = geminiTranslator.toCanonicalResponse(
      JSON.parse(fixture('reasoning.body.json').toString()),
    );
    const rendered = geminiTranslator.fromCanonicalResponse(response, context(''));
    sdk.reply({ body: JSON.stringify(rendered), contentType: 'application/json' });
    const result = await client().models.generateContent({ model: 'gemini-client-model', contents: 'hi' });
    expect(result.text).toBe(expected('reasoning').text);
    const parts = result.candidates?.[0]?.content?.parts ?? [];
    expect(
      parts.map((part) => ({ thought: part.thought === true, signed: part.thoughtSignature !== undefined })),
    ).toEqual([
      { thought: true, signed: false },
      { thought: false, signed: true },
    ]);
  });

  it('renders a filtered answer with no content and SAFETY, and a foreign answer with the request id', () => {
    const filtered = geminiTranslator.fromCanonicalResponse(
      {
        id: undefined,
        model: 'claude-x',
        content: [],
        usage: usageOf({ inputNoCache: 4, outputText: 0 }, undefined),
        finish: { unified: 'content-filter', raw: 'refusal' },
      },
      context(''),
    );
    expect(filtered).toEqual({
      candidates: [{ finishReason: 'SAFETY', index: 0 }],
      usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 0, totalTokenCount: 4 },
      modelVersion: 'gemini-client-model',
      responseId: 'req_0123',
    });
    const cut = geminiTranslator.fromCanonicalResponse(
      {
        id: 'msg_1',
        model: 'claude-x',
        content: [{ type: 'text', text: 'long' }],
        usage: emptyUsage(),
        finish: { unified: 'length', raw: 'max_tokens' },
      },
      context(''),
    ) as { candidates: { finishReason: string }[] };
    expect(cut.candidates[0]?.finishReason).toBe('MAX_TOKENS');
  });
});
