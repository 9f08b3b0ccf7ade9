// The OpenAI Responses translator decoding an OpenAI upstream: recorded streams in any chunking, junk, errors
// and freeform calls, and recorded complete answers, read into canonical parts and the ledger's usage.
import { describe, expect, it } from 'vitest';
import type { StreamPart } from '../../src/relay/canonical/response.js';
import type { CanonicalUsage } from '../../src/relay/canonical/usage.js';
import { responsesUsage } from '../../src/relay/formats/openai-responses/usage.js';
import { responsesTranslator as translator } from '../../src/relay/translate/openai-responses/translator.js';
import {
  decode,
  type Expected,
  expected,
  fixture,
  SCENARIOS,
} from '../support/translate/openai-responses.js';

/** What a decoded stream says, in the fixtures' terms. */
function summarize(parts: StreamPart[]): Expected & { signatures: string[] } {
  const calls = new Map<string, { name: string; arguments: string }>();
  const summary: Expected & { signatures: string[] } = {
    text: '',
    reasoning: '',
    toolCalls: [],
    finish: 'none',
    usage: null,
    signatures: [],
  };
  for (const part of parts) {
    if (part.type === 'text-delta') summary.text += part.delta;
    if (part.type === 'reasoning-delta') summary.reasoning += part.delta;
    if (part.type === 'reasoning-end' && part.signature) summary.signatures.push(part.signature);
    if (part.type === 'tool-call-start') calls.set(part.id, { name: part.name, arguments: '' });
    if (part.type === 'tool-call-delta') {
      const call = calls.get(part.id);
      if (call) call.arguments += part.delta;
    }
    if (part.type === 'finish') summary.finish = part.reason.unified;
    if (part.type === 'usage') summary.usage = ledger(part.usage);
    if (part.type === 'error') summary.error = { type: part.error.type, message: part.error.message };
  }
  summary.toolCalls = [...calls.values()];
  return summary;
}

function ledger(usage: CanonicalUsage): Record<string, number> {
  return {
    input: usage.inputNoCache,
    output: usage.outputTotal,
    cacheRead: usage.cacheRead,
    cacheWrite5m: usage.cacheWrite5m,
    cacheWrite1h: usage.cacheWrite1h,
    reasoning: usage.outputReasoning,
  };
}

describe('decoding an upstream Responses stream', () => {
  it.each(SCENARIOS)('decodes %s as recorded', (scenario) => {
    const want = expected(scenario);
    const got = summarize(decode([fixture(scenario, '.sse')]));
    expect({ ...got, signatures: undefined, signature: undefined }).toEqual({
      ...want,
      signatures: undefined,
      signature: undefined,
    });
    if (want.signature) expect(got.signatures).toEqual([want.signature]);
    // The fixture's usage is what the format's own usage reader gives for the final event.
    const final = fixture(scenario, '.sse')
      .toString('utf8')
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .at(-1);
    const reported = responsesUsage(JSON.parse(final?.slice(6) ?? '{}').response?.usage);
    expect(reported ?? null).toEqual(want.usage);
  });

  it('decodes the same parts whatever the chunk boundaries', () => {
    const bytes = fixture('text', '.sse');
    const whole = decode([bytes]);
    const wholeJson = JSON.stringify(whole);
    for (let cut = 1; cut < bytes.length; cut += 1) {
      const decoder = translator.decodeStream();
      const parts = [
        ...decoder.push(bytes.subarray(0, cut)),
        ...decoder.push(bytes.subarray(cut)),
        ...decoder.end(),
      ];
      if (JSON.stringify(parts) !== wholeJson) expect(parts, `split at byte ${cut}`).toEqual(whole);
    }
    const reasoning = fixture('reasoning', '.sse');
    const bytewise = Array.from({ length: reasoning.length }, (_, index) =>
      reasoning.subarray(index, index + 1),
    );
    expect(decode(bytewise)).toEqual(decode([reasoning]));
  });

  it('starts with the upstream id and model, and tolerates junk, pings and CRLF', () => {
    const text = fixture('text', '.sse').toString('utf8');
    const noisy = `: ping\n\ndata: not json\n\nevent: keepalive\ndata: {"type":"keepalive"}\n\n${text.replaceAll('\n', '\r\n')}data: [DONE]\n\n`;
    const parts = decode([Buffer.from(noisy)]);
    expect(parts[0]).toEqual({
      type: 'start',
      id: 'resp_0c2d4e6f8a1b3c5d0068f1a2b3c4d58190a1b2c3d4e5f60718',
      model: 'gpt-4.1-2025-04-14',
    });
    expect(summarize(parts).text).toBe(expected('text').text);
  });

  it('reads an error event in the SDK flat shape and a failure without one', () => {
    const flat = decode([
      Buffer.from(
        'event: error\ndata: {"type":"error","code":"rate_limit_exceeded","message":"Slow down","param":null,"sequence_number":3}\n\n',
      ),
    ]);
    expect(summarize(flat).error).toEqual({ type: 'rate_limit_exceeded', message: 'Slow down' });
    const failed = decode([
      Buffer.from(
        'data: {"type":"response.failed","response":{"id":"resp_1","status":"failed","error":{"code":"server_error","message":"Boom"},"output":[]}}\n\n',
      ),
    ]);
    expect(summarize(failed)).toMatchObject({
      error: { type: 'server_error', message: 'Boom' },
      finish: 'error',
    });
  });

  it('reads a freeform call as one-string arguments, an incomplete answer as cut, and items sent only whole', () => {
    const events = [
      {
        type: 'response.output_item.added',
        output_index: 0,
        item: { id: 'ctc_1', type: 'custom_tool_call', call_id: 'call_1', name: 'apply_patch', input: '' },
      },
      {
        type: 'response.custom_tool_call_input.delta',
        item_id: 'ctc_1',
        output_index: 0,
        delta: '*** Begin "Patch"\n',
      },
      {
        type: 'response.output_item.done',
        output_index: 0,
        item: {
          id: 'ctc_1',
          type: 'custom_tool_call',
          call_id: 'call_1',
          name: 'apply_patch',
          input: '*** Begin "Patch"\n*** End',
        },
      },
      {
        type: 'response.output_item.done',
        output_index: 1,
        item: {
          id: 'msg_2',
          type: 'message',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Cut sh' }],
        },
      },
      {
        type: 'response.incomplete',
        response: {
          status: 'incomplete',
          incomplete_details: { reason: 'max_output_tokens' },
          usage: { input_tokens: 10, output_tokens: 16 },
        },
      },
    ];
    const parts = decode([Buffer.from(events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join(''))]);
    const summary = summarize(parts);
    expect(summary.toolCalls).toEqual([
      { name: 'apply_patch', arguments: JSON.stringify({ input: '*** Begin "Patch"\n*** End' }) },
    ]);
    expect(summary.text).toBe('Cut sh');
    expect(summary.finish).toBe('length');
    expect(parts.find((part) => part.type === 'finish')).toMatchObject({
      reason: { raw: 'incomplete:max_output_tokens' },
    });
  });
});

describe('reading a complete Responses answer', () => {
  it.each(SCENARIOS.filter((scenario) => scenario !== 'mid-stream-error'))('reads %s', (scenario) => {
    const want = expected(scenario);
    const answer = translator.toCanonicalResponse(
      JSON.parse(fixture(scenario, '.body.json').toString('utf8')),
    );
    const text = answer.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
    const reasoning = answer.content.flatMap((part) => (part.type === 'reasoning' ? [part] : []));
    const calls = answer.content.flatMap((part) =>
      part.type === 'tool-call' ? [{ name: part.name, arguments: part.input }] : [],
    );
    expect({ text, reasoning: reasoning.map((part) => part.text).join(''), toolCalls: calls }).toEqual({
      text: want.text,
      reasoning: want.reasoning,
      toolCalls: want.toolCalls,
    });
    if (want.signature) expect(reasoning[0]?.signature).toBe(want.signature);
    expect(answer.finish.unified).toBe(want.finish);
    expect(ledger(answer.usage)).toEqual(want.usage);
  });
});
