// The Anthropic Messages translator decoding an Anthropic upstream: recorded complete answers and streams into
// canonical parts, in any chunking, agreeing with the ledger's own usage readers.
import { describe, expect, it } from 'vitest';
import type { StreamPart } from '../../src/relay/canonical/response.js';
import { usageOf } from '../../src/relay/canonical/usage.js';
import { AnthropicStreamTap } from '../../src/relay/formats/anthropic/stream-tap.js';
import { anthropicUsageFromBody } from '../../src/relay/formats/anthropic/usage.js';
import { anthropicTranslator } from '../../src/relay/translate/anthropic/translator.js';
import {
  body,
  decode,
  expected,
  SCENARIOS,
  type Summary,
  WITH_BODY,
  wire,
} from '../support/translate/anthropic.js';
import { ledgerOf } from '../support/translate/fixture-ledger.js';

/** What a stream of parts says, checking on the way that every block is a start/delta/end triple. */
function summarize(parts: readonly StreamPart[]): Summary {
  const open = new Set<string>();
  const calls = new Map<string, { name: string; arguments: string }>();
  const summary: Summary = {
    text: '',
    reasoning: '',
    toolCalls: [],
    finish: null,
    usage: ledgerOf(usageOf({ inputNoCache: 0, outputText: 0 }, undefined)),
  };
  for (const part of parts) {
    switch (part.type) {
      case 'text-start':
      case 'reasoning-start':
      case 'tool-call-start':
        expect(open.has(part.id)).toBe(false);
        open.add(part.id);
        if (part.type === 'tool-call-start') calls.set(part.id, { name: part.name, arguments: '' });
        break;
      case 'text-delta':
      case 'reasoning-delta':
      case 'tool-call-delta': {
        expect(open.has(part.id)).toBe(true);
        if (part.type === 'text-delta') summary.text += part.delta;
        else if (part.type === 'reasoning-delta') summary.reasoning += part.delta;
        else {
          const call = calls.get(part.id);
          if (call) call.arguments += part.delta;
        }
        break;
      }
      case 'text-end':
      case 'reasoning-end':
      case 'tool-call-end':
        expect(open.delete(part.id)).toBe(true);
        if (part.type === 'reasoning-end' && part.signature) summary.signature = part.signature;
        break;
      case 'usage':
        summary.usage = ledgerOf(part.usage);
        break;
      case 'finish':
        summary.finish = part.reason.unified;
        break;
      case 'error':
        summary.error = { type: part.error.type, message: part.error.message };
        break;
      case 'start':
        break;
    }
  }
  summary.toolCalls = [...calls.values()];
  return summary;
}

describe('Anthropic answers → canonical', () => {
  it.each(WITH_BODY)('%s', (scenario) => {
    const want = expected(scenario);
    const response = anthropicTranslator.toCanonicalResponse(body(scenario));
    const text = response.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
    const reasoning = response.content
      .flatMap((part) => (part.type === 'reasoning' ? [part.text] : []))
      .join('');
    const calls = response.content.flatMap((part) =>
      part.type === 'tool-call' ? [{ name: part.name, arguments: JSON.parse(part.input) as unknown }] : [],
    );
    expect(text).toBe(want.text);
    expect(reasoning).toBe(want.reasoning);
    expect(calls).toEqual(
      want.toolCalls.map((call) => ({ name: call.name, arguments: JSON.parse(call.arguments) })),
    );
    expect(response.finish.unified).toBe(want.finish);
    expect(ledgerOf(response.usage)).toEqual(want.usage);
    const { reasoning: _thinking, ...ledger } = want.usage;
    expect(anthropicUsageFromBody(JSON.stringify(body(scenario)))).toEqual(ledger);
  });
});

describe('Anthropic streams → canonical', () => {
  it.each(SCENARIOS)('%s decodes to its recorded outcome, as the ledger reads it', (scenario) => {
    const summary = summarize(decode([wire(scenario)]));
    const want = expected(scenario);
    expect(summary).toEqual(want);
    const tap = new AnthropicStreamTap();
    tap.push(wire(scenario));
    tap.end();
    const { reasoning: _thinking, ...ledger } = want.usage;
    // The counts the upstream reported, merged by the ledger's reader (a cut stream's estimate aside).
    expect(tap.usage).toEqual(ledger);
  });

  it('decodes the same whatever the chunking, split at every byte', () => {
    for (const scenario of ['reasoning', 'tool-calls-parallel'] as const) {
      const bytes = wire(scenario);
      const whole = decode([bytes]);
      for (let at = 1; at < bytes.length; at += 1) {
        expect(decode([bytes.subarray(0, at), bytes.subarray(at)])).toEqual(whole);
      }
      expect(decode([...bytes].map((byte) => Buffer.from([byte])))).toEqual(whole);
    }
  });

  it('emits parts as their events complete, and survives junk', () => {
    const decoder = anthropicTranslator.decodeStream();
    const bytes = wire('text').toString('utf8');
    const cut = bytes.indexOf('event: content_block_delta');
    const first = decoder.push(Buffer.from(`: keep-alive\n\ndata: [not json\n\n${bytes.slice(0, cut + 30)}`));
    expect(first.map((part) => part.type)).toEqual(['start', 'usage', 'text-start']);
    expect(first[0]).toEqual({
      type: 'start',
      id: 'msg_01HkVn3qY7sQe2RtUw8XbZcD',
      model: 'claude-sonnet-4-5-20250929',
    });
    const rest = [...decoder.push(Buffer.from(bytes.slice(cut + 30))), ...decoder.end()];
    expect(rest.at(-1)).toMatchObject({ type: 'usage' });
    expect(rest.filter((part) => part.type === 'text-delta')).toHaveLength(6);
  });

  it('gives a tool call without streamed input the input its start named', () => {
    const frames = [
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","model":"m","content":[],"usage":{"input_tokens":3,"output_tokens":1}}}\n\n',
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"now","input":{}}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":""}}\n\n',
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
    ];
    const summary = summarize(decode([Buffer.from(frames.join(''))]));
    expect(summary.toolCalls).toEqual([{ name: 'now', arguments: '{}' }]);
  });
});
