// The Gemini translator decoding a Gemini upstream: recorded-shape streams (SSE and JSON-array framing, any
// chunking) and complete answers read into canonical parts, usage and finish reasons.
import { describe, expect, it } from 'vitest';
import type { CanonicalResponse } from '../../src/relay/canonical/response.js';
import { geminiTranslator } from '../../src/relay/translate/gemini/translator.js';
import {
  decode,
  type Expected,
  expected,
  fixture,
  SCENARIOS,
  summarize,
} from '../support/translate/gemini.js';

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
