// The Chat Completions translator decoding an OpenAI Chat upstream: recorded complete answers and streams into
// canonical parts, byte by byte, agreeing with the pass-through tap and usage reader.
import { describe, expect, it } from 'vitest';
import type { StreamPart } from '../../src/relay/canonical/response.js';
import { ChatStreamTap } from '../../src/relay/formats/openai-chat/stream-tap.js';
import { chatUsageFromBody } from '../../src/relay/formats/openai-chat/usage.js';
import { chatTranslator } from '../../src/relay/translate/openai-chat/translator.js';
import { ledgerOf } from '../support/translate/fixture-ledger.js';
import {
  body,
  type Expected,
  expected,
  type Ledger,
  SCENARIOS,
  WITH_BODY,
  wire,
} from '../support/translate/openai-chat.js';

/** Decodes bytes pushed in the given pieces. */
function decode(pieces: readonly Buffer[]): StreamPart[] {
  const decoder = chatTranslator.decodeStream();
  const parts = pieces.flatMap((piece) => decoder.push(piece));
  return [...parts, ...decoder.end()];
}

/** What a stream of parts says, checking on the way that every block is a start/delta/end triple. */
function summarize(parts: readonly StreamPart[]) {
  const open = new Map<string, string>();
  const toolCalls: { name: string; arguments: string }[] = [];
  const calls = new Map<string, { name: string; arguments: string }>();
  let text = '';
  let reasoning = '';
  let finish: string | undefined;
  let usage: Ledger | undefined;
  let error: { type: string; message: string } | undefined;
  for (const part of parts) {
    switch (part.type) {
      case 'text-start':
      case 'reasoning-start':
      case 'tool-call-start':
        expect(open.has(part.id)).toBe(false);
        open.set(part.id, part.type);
        if (part.type === 'tool-call-start') {
          const call = { name: part.name, arguments: '' };
          calls.set(part.id, call);
          toolCalls.push(call);
        }
        break;
      case 'text-delta':
        expect(open.get(part.id)).toBe('text-start');
        text += part.delta;
        break;
      case 'reasoning-delta':
        expect(open.get(part.id)).toBe('reasoning-start');
        reasoning += part.delta;
        break;
      case 'tool-call-delta': {
        expect(open.get(part.id)).toBe('tool-call-start');
        const call = calls.get(part.id);
        if (call) call.arguments += part.delta;
        break;
      }
      case 'text-end':
      case 'reasoning-end':
      case 'tool-call-end':
        expect(open.get(part.id)).toBe(part.type.replace('-end', '-start'));
        open.delete(part.id);
        break;
      case 'usage':
        usage = ledgerOf(part.usage);
        break;
      case 'finish':
        finish = part.reason.unified;
        break;
      case 'error':
        error = { type: part.error.type, message: part.error.message };
        break;
      case 'start':
        break;
    }
  }
  if (!error) expect([...open.keys()]).toEqual([]);
  return { text, reasoning, toolCalls, finish, usage, error };
}

function expectMatches(summary: ReturnType<typeof summarize>, want: Expected): void {
  expect(summary.text).toBe(want.text);
  expect(summary.reasoning).toBe(want.reasoning);
  expect(summary.toolCalls).toEqual(want.toolCalls);
  expect(summary.finish).toBe(want.finish);
  expect(summary.usage).toEqual(want.usage);
  expect(summary.error).toEqual(want.error);
}

describe('complete answers', () => {
  it.each(WITH_BODY)('reads the %s answer as its stream reads', (scenario) => {
    const response = chatTranslator.toCanonicalResponse(body(scenario));
    const want = expected(scenario);
    const texts = response.content.filter((part) => part.type === 'text').map((part) => part.text);
    const reasoning = response.content.filter((part) => part.type === 'reasoning').map((part) => part.text);
    const calls = response.content.flatMap((part) =>
      part.type === 'tool-call' ? [{ name: part.name, arguments: part.input }] : [],
    );
    expect(texts.join('')).toBe(want.text);
    expect(reasoning.join('')).toBe(want.reasoning);
    expect(calls).toEqual(want.toolCalls);
    expect(response.finish.unified).toBe(want.finish);
    // The usage is the format's own reader's, split for the ledger.
    expect(ledgerOf(response.usage)).toEqual(want.usage);
    expect(chatUsageFromBody(JSON.stringify(body(scenario)))).toEqual(want.usage);
  });
});

describe('stream decoding', () => {
  it.each(SCENARIOS)('decodes the %s stream', (scenario) => {
    expectMatches(summarize(decode([wire(scenario)])), expected(scenario));
  });

  it.each(SCENARIOS)('decodes the %s stream the same when every byte arrives alone', (scenario) => {
    const bytes = wire(scenario);
    const whole = decode([bytes]);
    expect(decode(Array.from(bytes, (byte) => Buffer.from([byte])))).toEqual(whole);
  });

  it.each(SCENARIOS)('agrees with the pass-through tap on the usage of %s', (scenario) => {
    const tap = new ChatStreamTap(0, false);
    tap.push(wire(scenario));
    tap.end();
    const want = expected(scenario);
    if (want.usage) expect(tap.finalUsage()).toEqual({ usage: want.usage, estimated: false });
    else expect(tap.finalUsage().estimated).toBe(true);
  });

  it('opens with the upstream id and model, and reads a call in upstream order', () => {
    const parts = decode([wire('tool-calls-parallel')]);
    expect(parts[0]).toEqual({
      type: 'start',
      id: 'chatcmpl-DA1uB5nHk3Wz8Yq2cTfR9xLmGv4sE',
      model: 'gpt-4o-2024-08-06',
    });
    expect(
      parts.filter((part) => part.type.startsWith('tool-call-') && !part.type.endsWith('delta')),
    ).toEqual([
      { type: 'tool-call-start', id: 'call_xK3v9QmTzL2bR7dWfH8nJcYp', name: 'get_weather' },
      { type: 'tool-call-start', id: 'call_Pq6sN1wEaG4uT8kZcV2mXoBi', name: 'get_weather' },
      { type: 'tool-call-end', id: 'call_xK3v9QmTzL2bR7dWfH8nJcYp' },
      { type: 'tool-call-end', id: 'call_Pq6sN1wEaG4uT8kZcV2mXoBi' },
    ]);
  });

  it('ends reasoning before the text that follows it', () => {
    const kinds = decode([wire('reasoning')])
      .map((part) => part.type)
      .filter((type) => type.endsWith('-start') || type.endsWith('-end'));
    expect(kinds).toEqual(['reasoning-start', 'reasoning-end', 'text-start', 'text-end']);
  });

  it('skips pings, junk and Azure’s prompt-filter chunk, and reads a name that comes late', () => {
    const frames = [
      ': ping\n\n',
      'data: {"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[]}\n\n',
      'data: not json\n\n',
      'event: keepalive\ndata: 42\n\n',
      'data: {"id":"c1","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","function":{"arguments":"{\\"a\\""}}]}}]}\n\n',
      'data: {"id":"c1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"f","arguments":":1}"}}]}}]}\n\n',
      'data: {"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}],"usage":null}\n\n',
      'data: [DONE]\n\n',
    ];
    const parts = decode(frames.map((frame) => Buffer.from(frame)));
    expect(parts[0]).toEqual({ type: 'start', id: 'c1', model: undefined });
    expect(summarize(parts)).toMatchObject({
      toolCalls: [{ name: 'f', arguments: '{"a":1}' }],
      finish: 'tool-calls',
      usage: undefined,
    });
  });

  it('ends open blocks when a stream is cut, and nothing follows an error', () => {
    const cut = decode([
      Buffer.from('data: {"id":"c","choices":[{"index":0,"delta":{"content":"Hal"}}]}\n\n'),
    ]);
    expect(cut.map((part) => part.type)).toEqual(['start', 'text-start', 'text-delta', 'text-end']);
    const afterError = decode([
      wire('mid-stream-error'),
      Buffer.from('data: {"id":"c","choices":[{"index":0,"delta":{"content":"more"}}]}\n\n'),
    ]);
    expect(afterError.at(-1)?.type).toBe('error');
  });
});
