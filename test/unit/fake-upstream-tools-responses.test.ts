// Fake upstream: function_call items and a reasoning summary on OpenAI Responses, whole and streamed, proven
// with the official openai SDK, item by item on the wire, and on Codex's backend path.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, parseSseFrames, startFakeUpstream } from '../support/fake-upstream/index.js';
import { CALLS, KEY, THOUGHT } from '../support/fake-upstream-tools.js';
import { rawRequest } from '../support/http.js';

let fake: FakeUpstream;

beforeAll(async () => {
  fake = await startFakeUpstream({ apiKey: KEY });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

describe('openai responses with function calls and a reasoning summary', () => {
  const client = () => new OpenAI({ apiKey: KEY, baseURL: `${fake.url}/v1`, maxRetries: 0 });
  const params = {
    model: 'o3',
    input: 'Weather in Paris and Rome?',
    reasoning: { summary: 'auto' as const },
  };

  it('answers function_call items after the reasoning item', async () => {
    fake.enqueue({
      toolCalls: CALLS,
      thoughtText: THOUGHT,
      usage: { outputTokens: 60, reasoningTokens: 40 },
    });
    const response = await client().responses.create(params);
    expect(response.output).toEqual([
      {
        id: expect.stringMatching(/^rs_/),
        type: 'reasoning',
        summary: [{ type: 'summary_text', text: THOUGHT }],
      },
      {
        id: expect.stringMatching(/^fc_/),
        type: 'function_call',
        status: 'completed',
        arguments: CALLS[0]?.arguments,
        call_id: expect.stringMatching(/^call_/),
        name: 'get_weather',
      },
      {
        id: expect.stringMatching(/^fc_/),
        type: 'function_call',
        status: 'completed',
        arguments: CALLS[1]?.arguments,
        call_id: 'call_rome',
        name: 'get_weather',
      },
    ]);
    expect(response.output_text).toBe('');
    expect(response.status).toBe('completed');
    expect(response.reasoning).toEqual({ effort: 'medium', summary: 'auto' });
    expect(response.usage).toMatchObject({
      output_tokens: 60,
      output_tokens_details: { reasoning_tokens: 40 },
    });
  });

  it('puts the message before the calls when text is set', async () => {
    fake.enqueue({ toolCalls: CALLS.slice(0, 1), text: 'Checking.' });
    const response = await client().responses.create(params);
    expect(response.output.map((item) => item.type)).toEqual(['message', 'function_call']);
    expect(response.output_text).toBe('Checking.');
  });

  it('streams the reasoning summary and each call as the SDK expects, ending in the same output', async () => {
    fake.enqueue({ toolCalls: CALLS, thoughtText: THOUGHT, text: 'Checking.', chunks: 3 });
    const stream = client().responses.stream(params);
    const types: string[] = [];
    const summaryDeltas: string[] = [];
    const argumentSnapshots: string[] = [];
    stream.on('response.function_call_arguments.delta', (event) => argumentSnapshots.push(event.snapshot));
    let sequence = 0;
    for await (const event of stream) {
      expect(event.sequence_number).toBe(sequence++);
      types.push(event.type);
      if (event.type === 'response.reasoning_summary_text.delta') summaryDeltas.push(event.delta);
    }
    const final = await stream.finalResponse();
    // The SDK's snapshots grow piece by piece into each call's arguments.
    expect(argumentSnapshots).toHaveLength(6);
    expect(argumentSnapshots[2]).toBe(CALLS[0]?.arguments);
    expect(argumentSnapshots[5]).toBe(CALLS[1]?.arguments);
    expect(summaryDeltas).toHaveLength(3);
    expect(summaryDeltas.join('')).toBe(THOUGHT);
    const call = [
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
    ];
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      ...call,
      ...call,
      'response.completed',
    ]);
    expect(final.output.map((item) => item.type)).toEqual([
      'reasoning',
      'message',
      'function_call',
      'function_call',
    ]);
    expect(final.output[0]).toMatchObject({ summary: [{ type: 'summary_text', text: THOUGHT }] });
    expect(final.output_text).toBe('Checking.');
    const calls = final.output.filter((item) => item.type === 'function_call');
    expect(calls.map((item) => [item.call_id, item.arguments, item.status])).toEqual([
      [expect.stringMatching(/^call_/), CALLS[0]?.arguments, 'completed'],
      ['call_rome', CALLS[1]?.arguments, 'completed'],
    ]);
  });

  it('sends each delta event with the item id and output index of its item', async () => {
    fake.enqueue({ toolCalls: CALLS.slice(1), thoughtText: 'Plan.', chunks: 2 });
    const response = await rawRequest(`${fake.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...params, stream: true }),
    });
    const events = parseSseFrames(response.body).map(
      (frame) => JSON.parse(frame.data) as Record<string, unknown>,
    );
    const byType = (type: string) => events.filter((event) => event.type === type);
    const itemId = (event: Record<string, unknown> | undefined) =>
      (event?.item as { id?: string } | undefined)?.id;
    const [reasoningAdded, callAdded] = byType('response.output_item.added');
    expect(reasoningAdded).toEqual({
      type: 'response.output_item.added',
      sequence_number: 2,
      output_index: 0,
      item: { id: expect.stringMatching(/^rs_/), type: 'reasoning', summary: [] },
    });
    const reasoningId = itemId(reasoningAdded);
    expect(byType('response.reasoning_summary_part.added')).toEqual([
      {
        type: 'response.reasoning_summary_part.added',
        sequence_number: 3,
        item_id: reasoningId,
        output_index: 0,
        summary_index: 0,
        part: { type: 'summary_text', text: '' },
      },
    ]);
    expect(byType('response.reasoning_summary_text.done')).toMatchObject([
      { item_id: reasoningId, output_index: 0, summary_index: 0, text: 'Plan.' },
    ]);
    expect(callAdded).toEqual({
      type: 'response.output_item.added',
      sequence_number: expect.any(Number),
      output_index: 1,
      item: {
        id: expect.stringMatching(/^fc_/),
        type: 'function_call',
        status: 'in_progress',
        arguments: '',
        call_id: 'call_rome',
        name: 'get_weather',
      },
    });
    const callId = itemId(callAdded);
    for (const delta of byType('response.function_call_arguments.delta')) {
      expect(Object.keys(delta)).toEqual(['type', 'sequence_number', 'item_id', 'output_index', 'delta']);
      expect(delta).toMatchObject({ item_id: callId, output_index: 1 });
    }
    expect(byType('response.function_call_arguments.done')).toMatchObject([
      { item_id: callId, output_index: 1, arguments: CALLS[1]?.arguments },
    ]);
    const completed = events.at(-1) as { type: string; response: { output: unknown[] } };
    expect(completed.type).toBe('response.completed');
    expect(completed.response.output).toHaveLength(2);
    expect(fake.requests[0]?.reportedUsage).toBeDefined();
  });

  it("answers function calls on Codex's backend path too", async () => {
    fake.enqueue({ toolCalls: CALLS.slice(0, 1), usage: { reasoningTokens: 8 } });
    const response = await rawRequest(`${fake.url}/backend-api/codex/responses`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${KEY}`,
        'chatgpt-account-id': 'acct-1',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model: 'gpt-5-codex',
        input: 'hi',
        stream: true,
        store: false,
        include: ['reasoning.encrypted_content'],
      }),
    });
    expect(response.status).toBe(200);
    const events = parseSseFrames(response.body).map(
      (frame) => JSON.parse(frame.data) as Record<string, unknown>,
    );
    const completed = events.at(-1) as { response: { output: Array<Record<string, unknown>> } };
    expect(completed.response.output.map((item) => item.type)).toEqual(['reasoning', 'function_call']);
    expect(completed.response.output[0]).toMatchObject({
      encrypted_content: expect.any(String),
      summary: [],
    });
    expect(completed.response.output[1]).toMatchObject({
      name: 'get_weather',
      arguments: CALLS[0]?.arguments,
    });
  });
});
