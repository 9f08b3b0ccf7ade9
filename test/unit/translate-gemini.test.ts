// The Gemini translator: a Gemini client's requests read into the canonical model and rendered for a Gemini
// upstream, recorded-shape upstream streams and answers decoded (SSE and JSON-array framing, any chunking),
// and the encoder's output read back by the official @google/genai SDK from a loopback server.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type GenerateContentResponse, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import type { CanonicalMessage, CanonicalRequest } from '../../src/relay/canonical/request.js';
import type { CanonicalResponse, StreamPart } from '../../src/relay/canonical/response.js';
import { emptyUsage, usageOf } from '../../src/relay/canonical/usage.js';
import { geminiTranslator } from '../../src/relay/translate/gemini/translator.js';
import type { AnswerContext } from '../../src/relay/translate/translator.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/gemini');
const STREAMS = path.join(FIXTURES, 'streams');
const SCENARIOS = ['text', 'tool-calls-parallel', 'reasoning', 'refusal', 'mid-stream-error'] as const;
const DUMMY_SIGNATURE = 'skip_thought_signature_validator';

interface Expected {
  text: string;
  reasoning: string;
  toolCalls: { name: string; arguments: string }[];
  finish: string;
  usage: {
    input: number;
    output: number;
    cacheRead: number;
    cacheWrite5m: number;
    cacheWrite1h: number;
    reasoning: number;
  };
  error?: { type: string; message: string };
}

function fixture(name: string): Buffer {
  return readFileSync(path.join(STREAMS, name));
}

function expected(scenario: string): Expected {
  return JSON.parse(fixture(`${scenario}.json`).toString('utf8')) as Expected;
}

function recorded(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown>;
}

/** The chunks of an .sse fixture, as parsed objects. */
function sseObjects(bytes: Buffer): unknown[] {
  return bytes
    .toString('utf8')
    .split('\r\n\r\n')
    .filter((frame) => frame.startsWith('data: '))
    .map((frame) => JSON.parse(frame.slice('data: '.length)));
}

/** The same chunks as Google frames them without `alt=sse`: one pretty-printed JSON array. */
function arrayFraming(objects: unknown[]): Buffer {
  return Buffer.from(`[${objects.map((object) => JSON.stringify(object, null, 2)).join('\n,\r\n')}\n]`);
}

function decode(chunks: Buffer[]): StreamPart[] {
  const decoder = geminiTranslator.decodeStream();
  const parts = chunks.flatMap((chunk) => decoder.push(chunk));
  return [...parts, ...decoder.end()];
}

/** What a stream says, in the fixtures' terms; also checks every block is a start, its deltas, an end. */
function summarize(parts: StreamPart[]): Expected {
  let text = '';
  let reasoning = '';
  const calls = new Map<string, { name: string; arguments: string }>();
  let finish: string | undefined;
  let usage = emptyUsage();
  let error: Expected['error'];
  let open: string | undefined;
  for (const part of parts) {
    if (part.type.endsWith('-start') && part.type !== 'start') {
      expect(open, `${part.type} while a block is open`).toBeUndefined();
      open = (part as { id: string }).id;
    } else if (part.type.endsWith('-delta') || part.type.endsWith('-end')) {
      expect((part as { id: string }).id).toBe(open);
      if (part.type.endsWith('-end')) open = undefined;
    }
    switch (part.type) {
      case 'text-delta':
        text += part.delta;
        break;
      case 'reasoning-delta':
        reasoning += part.delta;
        break;
      case 'tool-call-start':
        calls.set(part.id, { name: part.name, arguments: '' });
        break;
      case 'tool-call-delta': {
        const call = calls.get(part.id);
        if (call) call.arguments += part.delta;
        break;
      }
      case 'usage':
        usage = part.usage;
        break;
      case 'finish':
        finish = part.reason.unified;
        break;
      case 'error':
        error = { type: part.error.type, message: part.error.message };
        break;
      default:
        break;
    }
  }
  expect(open, 'a block left open').toBeUndefined();
  return {
    text,
    reasoning,
    toolCalls: [...calls.values()],
    finish: finish ?? (error ? 'error' : 'none'),
    usage: {
      input: usage.inputNoCache,
      output: usage.outputTotal,
      cacheRead: usage.cacheRead,
      cacheWrite5m: usage.cacheWrite5m,
      cacheWrite1h: usage.cacheWrite1h,
      reasoning: usage.outputReasoning,
    },
    ...(error ? { error } : {}),
  };
}

function summarizeResponse(response: CanonicalResponse): Omit<Expected, 'error'> {
  return {
    text: response.content.map((part) => (part.type === 'text' ? part.text : '')).join(''),
    reasoning: response.content.map((part) => (part.type === 'reasoning' ? part.text : '')).join(''),
    toolCalls: response.content.flatMap((part) =>
      part.type === 'tool-call' ? [{ name: part.name, arguments: part.input }] : [],
    ),
    finish: response.finish.unified,
    usage: {
      input: response.usage.inputNoCache,
      output: response.usage.outputTotal,
      cacheRead: response.usage.cacheRead,
      cacheWrite5m: response.usage.cacheWrite5m,
      cacheWrite1h: response.usage.cacheWrite1h,
      reasoning: response.usage.outputReasoning,
    },
  };
}

function refusalOf(run: () => unknown): { feature: unknown; message: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.httpStatus).toBe(400);
    expect(appError.details?.reason).toBe('unsupported_feature');
    return { feature: appError.details?.feature, message: appError.message };
  }
  throw new Error('expected a refusal');
}

function canonical(messages: CanonicalMessage[], extra: Partial<CanonicalRequest> = {}): CanonicalRequest {
  return { model: 'm', stream: true, system: [], messages, tools: [], hints: {}, unsupported: [], ...extra };
}

describe('decoding a Gemini upstream stream', () => {
  for (const scenario of SCENARIOS) {
    it(`decodes ${scenario}`, () => {
      expect(summarize(decode([fixture(`${scenario}.sse`)]))).toEqual(expected(scenario));
    });

    it(`decodes ${scenario} framed as one JSON array`, () => {
      const array = arrayFraming(sseObjects(fixture(`${scenario}.sse`)));
      expect(summarize(decode([array]))).toEqual(expected(scenario));
    });
  }

  it('decodes the same whichever byte a chunk boundary falls on', () => {
    const bytes = fixture('reasoning.sse');
    const whole = decode([bytes]);
    for (let cut = 1; cut < bytes.length; cut += 1) {
      expect(decode([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(whole);
    }
    const oneByOne = decode([...bytes].map((byte) => Buffer.from([byte])));
    expect(oneByOne).toEqual(whole);
  });

  it('splits a multi-byte character across chunks without harm', () => {
    const array = arrayFraming([
      {
        candidates: [
          { content: { parts: [{ text: 'Olá — 日本 🌊' }], role: 'model' }, finishReason: 'STOP', index: 0 },
        ],
      },
    ]);
    const parts = decode([...array].map((byte) => Buffer.from([byte])));
    expect(summarize(parts).text).toBe('Olá — 日本 🌊');
  });

  it('skips junk between chunks: blank lines, comments, a stray line', () => {
    const bytes = Buffer.concat([
      Buffer.from(': keep-alive\r\n\r\nnot json\r\n\r\n'),
      fixture('text.sse'),
      Buffer.from('\r\n\r\n'),
    ]);
    expect(summarize(decode([bytes]))).toEqual(expected('text'));
  });

  it('emits start first, with the response id and model version, and usage only when it changes', () => {
    const parts = decode([fixture('text.sse')]);
    expect(parts[0]).toEqual({ type: 'start', id: 'kQm7aPzLBa6Tz7IPqdSS0Ak', model: 'gemini-2.5-flash' });
    expect(parts.filter((part) => part.type === 'usage')).toHaveLength(3);
    const finish = parts.find((part) => part.type === 'finish');
    expect(finish).toEqual({ type: 'finish', reason: { unified: 'stop', raw: 'STOP' } });
    const usage = parts.filter((part) => part.type === 'usage').at(-1);
    expect(usage?.type === 'usage' && usage.usage.raw).toMatchObject({ cachedContentTokenCount: 1024 });
  });

  it('gives calls stable ids from the response id, the signature on the first call, STOP as a tool stop', () => {
    const parts = decode([fixture('tool-calls-parallel.sse')]);
    const starts = parts.filter((part) => part.type === 'tool-call-start');
    expect(starts.map((part) => part.type === 'tool-call-start' && part.id)).toEqual([
      'call_8Y2MafD_H4WZ0-kPr9qJgQg_0',
      'call_8Y2MafD_H4WZ0-kPr9qJgQg_1',
    ]);
    const ends = parts.filter((part) => part.type === 'tool-call-end');
    expect(ends[0]).toMatchObject({ signature: expect.stringMatching(/^CiQB/) });
    expect(ends[1]).not.toHaveProperty('signature');
    const body = geminiTranslator.toCanonicalResponse(
      JSON.parse(fixture('tool-calls-parallel.body.json').toString()),
    );
    expect(body.content.map((part) => part.type === 'tool-call' && part.id)).toEqual([
      'call_8Y2MafD_H4WZ0-kPr9qJgQg_0',
      'call_8Y2MafD_H4WZ0-kPr9qJgQg_1',
    ]);
    expect(body.finish).toEqual({ unified: 'tool-calls', raw: 'STOP' });
  });

  it('keeps a signature on a plain text part as an empty reasoning block at its place', () => {
    const parts = decode([fixture('reasoning.sse')]);
    const kinds = parts.filter((part) => part.type.endsWith('-start') || part.type.endsWith('-end'));
    expect(kinds.map((part) => part.type)).toEqual([
      'reasoning-start',
      'reasoning-end',
      'text-start',
      'text-end',
      'reasoning-start',
      'reasoning-end',
    ]);
    expect(kinds.at(-1)).toMatchObject({ signature: expect.stringMatching(/^EqAD/) });
  });

  it('reads a prompt Google refused outright as a content-filter stop', () => {
    const blocked = {
      promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
      usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 },
      modelVersion: 'gemini-3.7-flash',
      responseId: 'EXCPatOAKMrQjMcPteHVmQo',
    };
    const parts = decode([Buffer.from(`data: ${JSON.stringify(blocked)}\r\n\r\n`)]);
    expect(parts.find((part) => part.type === 'finish')).toEqual({
      type: 'finish',
      reason: { unified: 'content-filter', raw: 'PROHIBITED_CONTENT' },
    });
    const response = geminiTranslator.toCanonicalResponse(blocked);
    expect(response.content).toEqual([]);
    expect(response.finish).toEqual({ unified: 'content-filter', raw: 'PROHIBITED_CONTENT' });
    expect(response.usage.inputTotal).toBe(9);
  });

  it('ignores everything after an in-stream error', () => {
    const bytes = Buffer.concat([fixture('mid-stream-error.sse'), fixture('text.sse')]);
    const summary = summarize(decode([bytes]));
    expect(summary.text).toBe(expected('mid-stream-error').text);
    expect(summary.error?.type).toBe('UNAVAILABLE');
  });
});

describe('reading a complete Gemini answer', () => {
  for (const scenario of SCENARIOS.filter((name) => name !== 'mid-stream-error')) {
    it(`reads ${scenario}`, () => {
      const body = JSON.parse(fixture(`${scenario}.body.json`).toString('utf8'));
      const { error: _error, ...wanted } = expected(scenario);
      const response = geminiTranslator.toCanonicalResponse(body);
      expect(summarizeResponse(response)).toEqual(wanted);
      expect(response.id).toBe(body.responseId);
      expect(response.model).toBe(body.modelVersion);
    });
  }

  it('counts cached tokens inside the prompt and thoughts outside the candidates, keeping the raw object', () => {
    const response = geminiTranslator.toCanonicalResponse(JSON.parse(fixture('text.body.json').toString()));
    expect(response.usage).toMatchObject({
      inputTotal: 2071,
      inputNoCache: 1047,
      cacheRead: 1024,
      outputText: 27,
    });
    const reasoning = geminiTranslator.toCanonicalResponse(
      JSON.parse(fixture('reasoning.body.json').toString()),
    );
    expect(reasoning.usage).toMatchObject({ outputText: 15, outputReasoning: 190, outputTotal: 205 });
    expect(reasoning.usage.raw).toMatchObject({ thoughtsTokenCount: 190 });
    const withTools = geminiTranslator.toCanonicalResponse({
      candidates: [{ content: { parts: [{ text: 'ok' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 100, toolUsePromptTokenCount: 40, candidatesTokenCount: 2 },
    });
    expect(withTools.usage).toMatchObject({ inputNoCache: 140, inputTotal: 140, outputTotal: 2 });
  });

  it('maps every finish reason', () => {
    const finish = (reason: string) =>
      geminiTranslator.toCanonicalResponse({ candidates: [{ finishReason: reason, index: 0 }] }).finish
        .unified;
    expect(finish('STOP')).toBe('stop');
    expect(finish('MAX_TOKENS')).toBe('length');
    for (const filtered of [
      'SAFETY',
      'RECITATION',
      'BLOCKLIST',
      'PROHIBITED_CONTENT',
      'SPII',
      'IMAGE_SAFETY',
    ]) {
      expect(finish(filtered)).toBe('content-filter');
    }
    expect(finish('MALFORMED_FUNCTION_CALL')).toBe('error');
    expect(finish('LANGUAGE')).toBe('other');
    expect(finish('OTHER')).toBe('other');
    expect(finish('SOMETHING_NEW')).toBe('other');
  });
});

describe('reading a Gemini client request', () => {
  it("reads Gemini CLI's tool follow-up: history, signature, function response, tools, thinking", () => {
    const body = recorded('cli-tool-followup-request.json');
    const request = geminiTranslator.toCanonicalRequest(body, 'gemini-3.8-flash', true);
    expect(request.model).toBe('gemini-3.8-flash');
    expect(request.stream).toBe(true);
    expect(request.unsupported).toEqual([]);
    expect(request.hints).toEqual({});
    expect(request.system).toHaveLength(1);
    expect(request.system[0]?.text).toMatch(/^You are Gemini CLI/);
    expect(request.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(request.messages[1]?.content).toEqual([
      expect.objectContaining({
        type: 'tool-call',
        id: 'list_directory_1796419552555_0',
        name: 'list_directory',
        input: '{"dir_path":"/tmp/gemini-cli/work"}',
        signature: 'CiQB0e2KbgbdIA4TVbRnKSBtnlWd48CmjSLNjN/Kg',
      }),
    ]);
    expect(request.messages[2]?.content).toEqual([
      expect.objectContaining({
        type: 'tool-result',
        toolCallId: 'list_directory_1796419552555_0',
        name: 'list_directory',
        content: [
          { type: 'text', text: expect.stringMatching(/^Directory listing for \/tmp\/gemini-cli\/work:/) },
        ],
      }),
    ]);
    expect(request.tools).toHaveLength(8);
    const listDirectory = request.tools.find(
      (tool) => tool.type === 'function' && tool.name === 'list_directory',
    );
    expect(listDirectory).toMatchObject({
      inputSchema: { type: 'object', properties: { dir_path: { type: 'string' } } },
    });
    expect(request.temperature).toBe(1);
    expect(request.topP).toBe(0.95);
    expect(request.topK).toBe(64);
    expect(request.reasoning).toEqual({ enabled: true, effort: 'high', include: true });
  });

  it('round-trips Gemini CLI requests to the same body, with no model in it', () => {
    for (const name of [
      'cli-stream-request.json',
      'cli-tool-request.json',
      'cli-tool-followup-request.json',
      'cli-tool-followup-no-signature-request.json',
      'cli-tool-followup-server-id-request.json',
    ]) {
      const body = recorded(name);
      const request = geminiTranslator.toCanonicalRequest(body, 'gemini-3.8-flash', true);
      const rendered = geminiTranslator.fromCanonicalRequest(request, 'gemini-3.8-flash');
      // The CLI gives its system instruction a role, which Google ignores; the rendering sends none.
      const { role: _role, ...system } = body.systemInstruction as Record<string, unknown>;
      expect(rendered, name).toEqual({ ...body, systemInstruction: system });
      expect(rendered).not.toHaveProperty('model');
    }
  });

  it("reads the router's JSON output schema, upper-case Google types as JSON Schema", () => {
    const request = geminiTranslator.toCanonicalRequest(
      recorded('cli-router-request.json'),
      'gemini-3.5-flash-lite',
      false,
    );
    expect(request.responseFormat).toEqual({
      type: 'json',
      schema: {
        type: 'object',
        properties: {
          complexity_reasoning: { type: 'string', description: 'Brief explanation for the score.' },
          complexity_score: { type: 'integer', description: 'Complexity score from 1-100.' },
        },
        required: ['complexity_reasoning', 'complexity_score'],
      },
    });
  });

  it('converts OpenAPI-subset `parameters` (upper-case types, nullable) to JSON Schema, leaving enum values alone', () => {
    const request = geminiTranslator.toCanonicalRequest(
      {
        contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
        tools: [
          {
            functionDeclarations: [
              {
                name: 'set_mode',
                parameters: {
                  type: 'OBJECT',
                  properties: {
                    mode: { type: 'STRING', enum: ['OBJECT', 'ARRAY'], nullable: true },
                    tags: { type: 'ARRAY', items: { type: 'STRING' } },
                  },
                  required: ['mode'],
                },
              },
              { name: 'ping' },
            ],
          },
        ],
      },
      'gemini-2.5-flash',
      false,
    );
    expect(request.tools).toEqual([
      expect.objectContaining({
        name: 'set_mode',
        inputSchema: {
          type: 'object',
          properties: {
            mode: { type: ['string', 'null'], enum: ['OBJECT', 'ARRAY'] },
            tags: { type: 'array', items: { type: 'string' } },
          },
          required: ['mode'],
        },
      }),
      expect.objectContaining({ name: 'ping', inputSchema: { type: 'object', properties: {} } }),
    ]);
  });

  it('pairs a function response without an id with the earliest unanswered call of its name', () => {
    const request = geminiTranslator.toCanonicalRequest(
      {
        contents: [
          { role: 'user', parts: [{ text: 'weather?' }] },
          {
            role: 'model',
            parts: [
              { functionCall: { name: 'get_weather', args: { city: 'Lisbon' } } },
              { functionCall: { name: 'get_weather', args: { city: 'Porto' } } },
            ],
          },
          {
            role: 'user',
            parts: [
              { functionResponse: { name: 'get_weather', response: { output: '21C' } } },
              { functionResponse: { name: 'get_weather', response: { error: 'no station' } } },
            ],
          },
        ],
      },
      'gemini-2.5-flash',
      false,
    );
    const calls = request.messages[1]?.content.map((part) => part.type === 'tool-call' && part.id);
    expect(calls).toEqual(['call_1_0', 'call_1_1']);
    expect(request.messages[2]?.content).toEqual([
      expect.objectContaining({ toolCallId: 'call_1_0', content: [{ type: 'text', text: '21C' }] }),
      expect.objectContaining({
        toolCallId: 'call_1_1',
        content: [{ type: 'text', text: 'no station' }],
        isError: true,
      }),
    ]);
  });

  it('reads thinking budgets: 0 is off, -1 is the model’s choice, n is a budget', () => {
    const reasoning = (thinkingConfig: Record<string, unknown>) =>
      geminiTranslator.toCanonicalRequest(
        { contents: [], generationConfig: { thinkingConfig } },
        'gemini-2.5-flash',
        false,
      ).reasoning;
    expect(reasoning({ thinkingBudget: 0 })).toEqual({ enabled: false });
    expect(reasoning({ thinkingBudget: -1, includeThoughts: true })).toEqual({
      enabled: true,
      include: true,
    });
    expect(reasoning({ thinkingBudget: 2048 })).toEqual({ enabled: true, budgetTokens: 2048 });
    expect(reasoning({ thinkingLevel: 'LOW' })).toEqual({ enabled: true, effort: 'low' });
  });

  it('keeps serving-only fields as hints and names what no other format can do', () => {
    const request = geminiTranslator.toCanonicalRequest(
      {
        contents: [
          {
            role: 'user',
            parts: [
              { text: 'run it' },
              { executableCode: { language: 'PYTHON', code: 'print(1)' } },
              {
                fileData: { mimeType: 'video/mp4', fileUri: 'https://example.com/v.mp4' },
                videoMetadata: { startOffset: '10s' },
              },
            ],
          },
        ],
        tools: [{ codeExecution: {} }, { googleSearch: {} }, { urlContext: {} }],
        toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['a', 'b'] } },
        generationConfig: {
          candidateCount: 2,
          responseModalities: ['TEXT', 'IMAGE'],
          responseMimeType: 'text/x.enum',
          responseLogprobs: false,
          mediaResolution: 'MEDIA_RESOLUTION_LOW',
        },
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
        labels: { team: 'search' },
        cachedContent: 'cachedContents/abc',
      },
      'gemini-2.5-flash',
      false,
    );
    expect(request.unsupported.map((feature) => feature.feature).sort()).toEqual(
      [
        'cachedContent',
        'contents[0].parts[1].executableCode',
        'contents[0].parts[2].videoMetadata',
        'generationConfig.candidateCount',
        'generationConfig.responseMimeType',
        'generationConfig.responseModalities',
        'toolConfig.functionCallingConfig.allowedFunctionNames',
        'tools[0].codeExecution',
        'tools[2].urlContext',
      ].sort(),
    );
    expect(request.tools).toEqual([{ type: 'provider', kind: 'web_search', raw: { googleSearch: {} } }]);
    expect(request.toolChoice).toEqual({ type: 'required' });
    expect(request.hints).toEqual({
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      labels: { team: 'search' },
      'generationConfig.mediaResolution': 'MEDIA_RESOLUTION_LOW',
    });
  });

  it('reads ANY with one allowed name as that tool, VALIDATED as strict tools', () => {
    const read = (functionCallingConfig: Record<string, unknown>) =>
      geminiTranslator.toCanonicalRequest(
        {
          contents: [],
          tools: [{ functionDeclarations: [{ name: 'lookup' }] }],
          toolConfig: { functionCallingConfig },
        },
        'gemini-2.5-flash',
        false,
      );
    expect(read({ mode: 'ANY', allowedFunctionNames: ['lookup'] }).toolChoice).toEqual({
      type: 'tool',
      name: 'lookup',
    });
    expect(read({ mode: 'NONE' }).toolChoice).toEqual({ type: 'none' });
    const validated = read({ mode: 'VALIDATED' });
    expect(validated.toolChoice).toEqual({ type: 'auto' });
    expect(validated.tools[0]).toMatchObject({ strict: true });
  });

  it('answers 400 naming a field that cannot be read', () => {
    const read = (body: Record<string, unknown>) => () =>
      geminiTranslator.toCanonicalRequest(body, 'g', false);
    expect(read({ contents: [{ role: 'system', parts: [{ text: 'x' }] }] })).toThrow(/contents\[0\]\.role/);
    expect(read({ contents: [{ role: 'user', parts: [{ functionCall: { name: 'x' } }] }] })).toThrow(
      /contents\[0\]\.parts\[0\]\.functionCall/,
    );
    expect(read({ contents: [{ role: 'model', parts: [{ functionCall: { args: {} } }] }] })).toThrow(
      /contents\[0\]\.parts\[0\]\.functionCall\.name/,
    );
    expect(read({ contents: [], generationConfig: { temperature: 'hot' } })).toThrow(
      /generationConfig\.temperature/,
    );
  });
});

describe('rendering a request for a Gemini upstream', () => {
  const anthropicHistory: CanonicalMessage[] = [
    { role: 'user', content: [{ type: 'text', text: 'Weather in Lisbon and Porto?' }] },
    {
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'Two cities, two calls.', signature: 'anthropic-signature' },
        { type: 'reasoning', text: '', redacted: 'opaque' },
        { type: 'text', text: 'Checking both.' },
        { type: 'tool-call', id: 'toolu_01', name: 'get_weather', input: '{"city":"Lisbon"}' },
        { type: 'tool-call', id: 'toolu_02', name: 'get_weather', input: '{"city":"Porto"}' },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Here you go.' },
        { type: 'tool-result', toolCallId: 'toolu_01', content: [{ type: 'text', text: '{"temp":21}' }] },
        {
          type: 'tool-result',
          toolCallId: 'toolu_02',
          content: [
            { type: 'text', text: 'station offline' },
            { type: 'file', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
          ],
          isError: true,
        },
      ],
    },
    {
      role: 'user',
      content: [{ type: 'file', mediaType: 'application/pdf', url: 'https://example.com/a.pdf' }],
    },
  ];

  it('renders foreign history: dummy signature on the first call only, result names, merged turns', () => {
    const body = geminiTranslator.fromCanonicalRequest(
      canonical(anthropicHistory, { system: [{ type: 'text', text: 'Be brief.' }] }),
      'gemini-3-flash-preview',
    );
    expect(body).not.toHaveProperty('model');
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }] });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Lisbon and Porto?' }] },
      {
        role: 'model',
        parts: [
          { text: 'Two cities, two calls.', thought: true, thoughtSignature: 'anthropic-signature' },
          { text: 'Checking both.' },
          {
            functionCall: { id: 'toolu_01', name: 'get_weather', args: { city: 'Lisbon' } },
            thoughtSignature: DUMMY_SIGNATURE,
          },
          { functionCall: { id: 'toolu_02', name: 'get_weather', args: { city: 'Porto' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { id: 'toolu_01', name: 'get_weather', response: { temp: 21 } } },
          {
            functionResponse: { id: 'toolu_02', name: 'get_weather', response: { error: 'station offline' } },
          },
          { text: 'Here you go.' },
          { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
          { fileData: { mimeType: 'application/pdf', fileUri: 'https://example.com/a.pdf' } },
        ],
      },
    ]);
  });

  it('keeps a call’s own signature, and hangs a loose signature on the text it came with', () => {
    const body = geminiTranslator.fromCanonicalRequest(
      canonical([
        { role: 'user', content: [{ type: 'text', text: 'hi' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Hello' },
            { type: 'reasoning', text: '', signature: 'trailing-sig' },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'list' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: '', signature: 'leading-sig' },
            { type: 'text', text: 'Listing.' },
            { type: 'tool-call', id: 'c1', name: 'ls', input: '', signature: 'call-sig' },
          ],
        },
      ]),
      'gemini-3-pro-preview',
    );
    const contents = body.contents as { parts: unknown[] }[];
    expect(contents[1]?.parts).toEqual([{ text: 'Hello', thoughtSignature: 'trailing-sig' }]);
    expect(contents[3]?.parts).toEqual([
      { text: 'Listing.', thoughtSignature: 'leading-sig' },
      { functionCall: { id: 'c1', name: 'ls', args: {} }, thoughtSignature: 'call-sig' },
    ]);
  });

  it('sends no signature Google could not read as base64: a call gets the dummy instead', () => {
    const body = geminiTranslator.fromCanonicalRequest(
      canonical([
        { role: 'user', content: [{ type: 'text', text: 'hi' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Thinking.', signature: 'msg_01.abc' },
            { type: 'tool-call', id: 'c1', name: 'ls', input: '{}', signature: 'not base64!' },
          ],
        },
      ]),
      'gemini-3-flash-preview',
    );
    expect((body.contents as { parts: unknown[] }[])[1]?.parts).toEqual([
      { text: 'Thinking.', thought: true },
      { functionCall: { id: 'c1', name: 'ls', args: {} }, thoughtSignature: DUMMY_SIGNATURE },
    ]);
  });

  it('renders tools as parametersJsonSchema untouched, web search as googleSearch, and tool choices', () => {
    const schema = {
      type: 'object',
      properties: {
        when: { oneOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] },
        extra: { $ref: '#/$defs/x' },
      },
      $defs: { x: { type: 'integer', minimum: 1 } },
      additionalProperties: false,
    };
    const tools: CanonicalRequest['tools'] = [
      { type: 'function', name: 'schedule', description: 'Schedules it.', inputSchema: schema },
      { type: 'provider', kind: 'web_search', raw: { type: 'web_search_20250305', name: 'web_search' } },
    ];
    const render = (extra: Partial<CanonicalRequest>) =>
      geminiTranslator.fromCanonicalRequest(canonical([], { tools, ...extra }), 'gemini-2.5-flash');
    expect(render({}).tools).toEqual([
      {
        functionDeclarations: [
          { name: 'schedule', description: 'Schedules it.', parametersJsonSchema: schema },
        ],
      },
      { googleSearch: {} },
    ]);
    expect(render({}).toolConfig).toBeUndefined();
    expect(render({ toolChoice: { type: 'auto' } }).toolConfig).toEqual({
      functionCallingConfig: { mode: 'AUTO' },
    });
    expect(render({ toolChoice: { type: 'none' } }).toolConfig).toEqual({
      functionCallingConfig: { mode: 'NONE' },
    });
    expect(render({ toolChoice: { type: 'required' } }).toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY' },
    });
    expect(render({ toolChoice: { type: 'tool', name: 'schedule' } }).toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['schedule'] },
    });
    const strict = geminiTranslator.fromCanonicalRequest(
      canonical([], { tools: [{ type: 'function', name: 'schedule', inputSchema: schema, strict: true }] }),
      'gemini-2.5-flash',
    );
    expect(strict.toolConfig).toEqual({ functionCallingConfig: { mode: 'VALIDATED' } });
  });

  it('renders sampling, JSON output and safety hints into generationConfig', () => {
    const body = geminiTranslator.fromCanonicalRequest(
      canonical([{ role: 'user', content: [{ type: 'text', text: 'x' }] }], {
        maxOutputTokens: 512,
        temperature: 0.2,
        topP: 0.9,
        topK: 40,
        stopSequences: ['END'],
        seed: 7,
        presencePenalty: 0.1,
        frequencyPenalty: 0.2,
        responseFormat: { type: 'json', schema: { type: 'object', properties: { a: { type: 'string' } } } },
        hints: { safetySettings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_ONLY_HIGH' }] },
      }),
      'gemini-2.5-flash',
    );
    expect(body.generationConfig).toEqual({
      maxOutputTokens: 512,
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      stopSequences: ['END'],
      seed: 7,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      responseMimeType: 'application/json',
      responseJsonSchema: { type: 'object', properties: { a: { type: 'string' } } },
    });
    expect(body.safetySettings).toEqual([
      { category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_ONLY_HIGH' },
    ]);
  });

  it("renders thinking within each model family's rules", () => {
    const thinking = (reasoning: CanonicalRequest['reasoning'], model: string) =>
      (
        geminiTranslator.fromCanonicalRequest(canonical([], { reasoning }), model).generationConfig as Record<
          string,
          unknown
        >
      ).thinkingConfig;
    expect(thinking({ enabled: false }, 'gemini-2.5-flash')).toEqual({ thinkingBudget: 0 });
    expect(thinking({ enabled: false }, 'gemini-2.5-pro')).toEqual({ thinkingBudget: 128 });
    expect(thinking({ enabled: false }, 'gemini-3-flash-preview')).toEqual({ thinkingLevel: 'MINIMAL' });
    expect(thinking({ enabled: false }, 'gemini-3-pro-preview')).toEqual({ thinkingLevel: 'LOW' });
    expect(thinking({ enabled: true, budgetTokens: 64_000, include: true }, 'gemini-2.5-flash')).toEqual({
      thinkingBudget: 24_576,
      includeThoughts: true,
    });
    expect(thinking({ enabled: true, budgetTokens: 50 }, 'gemini-2.5-flash-lite')).toEqual({
      thinkingBudget: 512,
    });
    expect(thinking({ enabled: true, effort: 'medium' }, 'gemini-2.5-flash')).toEqual({
      thinkingBudget: 8192,
    });
    expect(thinking({ enabled: true, effort: 'high' }, 'gemini-3-pro-preview')).toEqual({
      thinkingLevel: 'HIGH',
    });
    expect(thinking({ enabled: true, effort: 'minimal' }, 'gemini-3-pro-preview')).toEqual({
      thinkingLevel: 'LOW',
    });
  });

  it('refuses, naming it, what Gemini cannot express', () => {
    const user = (content: CanonicalMessage['content']): CanonicalMessage[] =>
      [{ role: 'user', content }] as CanonicalMessage[];
    const render = (request: CanonicalRequest) => () =>
      geminiTranslator.fromCanonicalRequest(request, 'gemini-2.5-flash');
    expect(
      refusalOf(render(canonical([], { tools: [{ type: 'provider', kind: 'code_interpreter', raw: {} }] })))
        .feature,
    ).toMatch(/code_interpreter/);
    expect(
      refusalOf(render(canonical(user([{ type: 'file', mediaType: 'image/gif', data: 'R0lGOD' }])))).feature,
    ).toMatch(/messages\[0\]\.content\[0\].*image\/gif/);
    expect(
      refusalOf(render(canonical(user([{ type: 'file', mediaType: 'image/png', url: 'ftp://host/a.png' }]))))
        .feature,
    ).toMatch(/ftp:/);
    expect(
      refusalOf(render(canonical([], { stopSequences: ['1', '2', '3', '4', '5', '6'] }))).feature,
    ).toMatch(/stop/);
    expect(
      refusalOf(render(canonical([], { tools: [{ type: 'function', name: '1bad name', inputSchema: {} }] })))
        .feature,
    ).toMatch(/1bad name/);
    expect(
      refusalOf(render(canonical(user([{ type: 'tool-result', toolCallId: 'gone', content: [] }])))).feature,
    ).toMatch(/gone/);
    expect(
      refusalOf(
        render(
          canonical([
            { role: 'assistant', content: [{ type: 'tool-call', id: 'c', name: 'f', input: '[1,2]' }] },
          ]),
        ),
      ).feature,
    ).toMatch(/messages\[0\]\.content\[0\]\.input/);
    const bigPdf = 'A'.repeat(70 * 1024 * 1024);
    expect(
      refusalOf(render(canonical(user([{ type: 'file', mediaType: 'application/pdf', data: bigPdf }]))))
        .feature,
    ).toMatch(/PDF over 50 MB/);
  });

  it('turns a data: URL into inline bytes', () => {
    const body = geminiTranslator.fromCanonicalRequest(
      canonical([
        {
          role: 'user',
          content: [{ type: 'file', mediaType: 'image/jpeg', url: 'data:image/jpeg;base64,/9j/4A==' }],
        },
      ]),
      'gemini-2.5-flash',
    );
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ inlineData: { mimeType: 'image/jpeg', data: '/9j/4A==' } }] },
    ]);
  });
});

// --- The encoder, read by the official SDK ---------------------------------------------------------------

let server: Server;
let baseUrl = '';
let answer = { body: '', contentType: 'text/event-stream' };
const seen: { url: string }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push({ url: request.url ?? '' });
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': answer.contentType });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

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

const client = () => new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl } });

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
  answer = { body, contentType: geminiTranslator.streamContentType('alt=sse') };
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
      expect(seen.at(-1)?.url).toBe('/v1beta/models/gemini-client-model:streamGenerateContent?alt=sse');
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
    answer = { body, contentType: 'text/event-stream' };
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
    answer = { body, contentType: 'text/event-stream' };
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
    answer = { body: JSON.stringify(rendered), contentType: 'application/json' };
    const result = await client().models.generateContent({ model: 'gemini-client-model', contents: 'hi' });
    expect(seen.at(-1)?.url).toBe('/v1beta/models/gemini-client-model:generateContent');
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
    answer = { body: JSON.stringify(rendered), contentType: 'application/json' };
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
