// Fake upstream: Chat Completions function calls as the API shapes them, and the record of the bytes it sent.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_TEXT,
  type FakeUpstream,
  parseSseFrames,
  startFakeUpstream,
  type ToolCall,
} from '../support/fake-upstream/index.js';
import { rawRequest } from '../support/http.js';
import { rawSseFrames } from '../support/sse-client.js';

const KEY = 'chat-test-key';
const MESSAGES = [{ role: 'user' as const, content: 'Weather in Paris and Rome?' }];
const CALLS: ToolCall[] = [
  { id: 'call_paris', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
  { id: 'call_rome', name: 'get_weather', arguments: '{"city":"Rome","unit":"celsius"}' },
];

let fake: FakeUpstream;
const client = () => new OpenAI({ apiKey: KEY, baseURL: `${fake.url}/v1`, maxRetries: 0 });
const post = (body: unknown) =>
  rawRequest(`${fake.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  fake = await startFakeUpstream({ apiKey: KEY });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

describe('chat completions with tool calls', () => {
  it('answers message.tool_calls with finish_reason tool_calls', async () => {
    fake.enqueue({ toolCalls: CALLS });
    const completion = await client().chat.completions.create({ model: 'gpt-4o', messages: MESSAGES });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.tool_calls).toEqual(
      CALLS.map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: call.arguments },
      })),
    );
  });

  it('streams each call opened by its index, id and name, then its arguments in pieces', async () => {
    fake.enqueue({ toolCalls: CALLS, chunks: 2 });
    const response = await post({ model: 'gpt-4o', messages: MESSAGES, stream: true });
    const frames = parseSseFrames(response.body);
    expect(frames.at(-1)?.data).toBe('[DONE]');
    const deltas = frames
      .slice(0, -1)
      .map(
        (frame) =>
          (JSON.parse(frame.data) as { choices: Array<{ delta: unknown; finish_reason: string | null }> })
            .choices[0],
      );
    const opening = (index: number, call: ToolCall) => ({
      tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
    });
    const piece = (index: number) => ({
      index: 0,
      delta: { tool_calls: [{ index, function: { arguments: expect.any(String) } }] },
      logprobs: null,
      finish_reason: null,
    });
    const [paris, rome] = CALLS as [ToolCall, ToolCall];
    expect(deltas).toEqual([
      {
        index: 0,
        delta: { role: 'assistant', content: null, ...opening(0, paris), refusal: null },
        logprobs: null,
        finish_reason: null,
      },
      piece(0),
      piece(0),
      { index: 0, delta: opening(1, rome), logprobs: null, finish_reason: null },
      piece(1),
      piece(1),
      { index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' },
    ]);
    const argumentsOf = (index: number) =>
      deltas
        .slice(1, -1)
        .map(
          (choice) =>
            choice?.delta as { tool_calls: Array<{ index: number; function: { arguments: string } }> },
        )
        .flatMap((delta) => delta.tool_calls)
        .filter((call) => call.index === index)
        .map((call) => call.function.arguments)
        .join('');
    expect(argumentsOf(0)).toBe(paris.arguments);
    expect(argumentsOf(1)).toBe(rome.arguments);
  });

  it('streams calls the SDK assembles into the final completion', async () => {
    fake.enqueue({ toolCalls: CALLS });
    const final = await client()
      .chat.completions.stream({
        model: 'gpt-4o',
        messages: MESSAGES,
        stream_options: { include_usage: true },
      })
      .finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(
      final.choices[0]?.message.tool_calls?.map((call) => call.type === 'function' && call.function),
    ).toEqual(CALLS.map((call) => ({ name: call.name, arguments: call.arguments })));
    expect(final.usage?.completion_tokens).toBeGreaterThan(0);
  });
});

describe('the record of what the fake sent', () => {
  it('holds the exact body of a JSON answer and of a stream sent at once', async () => {
    const json = await post({ model: 'gpt-4o', messages: MESSAGES });
    const stream = await post({ model: 'gpt-4o', messages: MESSAGES, stream: true });
    expect(fake.requests[0]?.sentBody?.equals(json.bytes)).toBe(true);
    expect(fake.requests[1]?.sentBody?.equals(stream.bytes)).toBe(true);
    expect(stream.body.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('holds the frames of a paced stream, and only those sent before a cut', async () => {
    fake.enqueue({ eventDelayMs: 5 }, { cutAfterEvents: 2 }, { errorEventAfterEvents: 1 });
    const paced = await post({ model: 'gpt-4o', messages: MESSAGES, stream: true });
    expect(fake.requests[0]?.sentBody?.equals(paced.bytes)).toBe(true);
    expect(paced.body).toContain(DEFAULT_TEXT.slice(0, 5));

    const cut = await post({ model: 'gpt-4o', messages: MESSAGES, stream: true }).catch(() => undefined);
    const sent = fake.requests[1]?.sentBody?.toString() ?? '';
    expect(rawSseFrames(sent)).toHaveLength(2);
    if (cut !== undefined) expect(cut.body).toBe(sent);

    const failed = await post({ model: 'gpt-4o', messages: MESSAGES, stream: true });
    expect(fake.requests[2]?.sentBody?.equals(failed.bytes)).toBe(true);
    expect(rawSseFrames(failed.body).at(-1)).toMatch(/^data: \{"error":/);
  });
});

describe('rawSseFrames', () => {
  it('keeps each frame with its terminator, so the frames join back into the text', () => {
    const text = 'data: {"a":1}\n\ndata: [DONE]\n\nevent: x\r\ndata: y\r\n\r\ndata: cut';
    const frames = rawSseFrames(text);
    expect(frames).toEqual([
      'data: {"a":1}\n\n',
      'data: [DONE]\n\n',
      'event: x\r\ndata: y\r\n\r\n',
      'data: cut',
    ]);
    expect(frames.join('')).toBe(text);
  });
});
