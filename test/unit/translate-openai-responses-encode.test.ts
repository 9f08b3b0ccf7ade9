// The OpenAI Responses translator encoding for a Responses client: canonical streams and complete answers,
// parsed back by the official openai SDK from a loopback server.
import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import type { CanonicalRequest } from '../../src/relay/canonical/request.js';
import type { StreamPart } from '../../src/relay/canonical/response.js';
import { usageOf } from '../../src/relay/canonical/usage.js';
import { responsesTranslator as translator } from '../../src/relay/translate/openai-responses/translator.js';
import type { AnswerContext } from '../../src/relay/translate/translator.js';
import { decode, expected, fixture, request } from '../support/translate/openai-responses.js';
import { useSdkServer } from '../support/translate/sdk-server.js';

function context(overrides: Partial<CanonicalRequest> = {}): AnswerContext {
  return {
    model: 'client-model',
    requestId: 'req_0123456789abcdef0123456789abcdef',
    clientQuery: '',
    created: 1_765_552_659,
    request: request(overrides),
  };
}

describe('encoding for a Responses client, read by the openai SDK', () => {
  const sdk = useSdkServer();
  let client: OpenAI;

  beforeAll(() => {
    client = new OpenAI({ apiKey: 'test', baseURL: `${sdk.url}/v1`, maxRetries: 0 });
  });

  function encode(
    parts: StreamPart[],
    answerContext = context(),
    cut?: (encoder: ReturnType<typeof translator.encodeStream>) => string,
  ): string {
    const encoder = translator.encodeStream(answerContext);
    const body = encoder.write(parts) + (cut ? cut(encoder) : encoder.end());
    sdk.reply({ body, contentType: translator.streamContentType('') });
    return body;
  }

  function sequenceNumbers(body: string): number[] {
    return body
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => (JSON.parse(line.slice(6)) as { sequence_number: number }).sequence_number);
  }

  it('streams recorded reasoning and text the SDK rebuilds whole', async () => {
    const body = encode(
      decode([fixture('reasoning', '.sse')]),
      context({ reasoning: { enabled: true, include: true } }),
    );
    const numbers = sequenceNumbers(body);
    expect(numbers).toEqual(numbers.map((_, index) => index));
    const deltas: string[] = [];
    const stream = client.responses.stream({ model: 'client-model', input: 'Primes below 20?' });
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const response = await stream.finalResponse();
    const want = expected('reasoning');
    expect(deltas.join('')).toBe(want.text);
    expect(response).toMatchObject({
      id: 'resp_0123456789abcdef0123456789abcdef',
      status: 'completed',
      model: 'client-model',
    });
    expect(response.output_text).toBe(want.text);
    const reasoning = response.output.find((item) => item.type === 'reasoning');
    expect(reasoning).toMatchObject({
      summary: [{ type: 'summary_text', text: want.reasoning }],
      encrypted_content: want.signature,
    });
    expect(response.usage).toMatchObject({
      input_tokens: 37,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 612,
      output_tokens_details: { reasoning_tokens: 576 },
      total_tokens: 649,
    });
  });

  it('streams parallel tool calls with their arguments and cached usage', async () => {
    encode(decode([fixture('tool-calls-parallel', '.sse')]));
    const response = await client.responses
      .stream({ model: 'client-model', input: 'Weather?' })
      .finalResponse();
    const calls = response.output.filter((item) => item.type === 'function_call');
    expect(calls.map((call) => [call.call_id, call.name, JSON.parse(call.arguments)])).toEqual([
      ['call_unLAR8MvFNptuiZK6K6HCy5k', 'get_weather', { city: 'Lisbon', unit: 'celsius' }],
      ['call_0hcYuQ8F2bB1a3lV9oXJk3Qe', 'get_weather', { city: 'Porto', unit: 'celsius' }],
    ]);
    expect(calls.map((call) => call.id)).toEqual([
      expect.stringMatching(/^fc_/),
      expect.stringMatching(/^fc_/),
    ]);
    expect(response.status).toBe('completed');
  });

  it('names calls as the client declared its tools, interleaves blocks, takes usage after the finish and closes open blocks', async () => {
    const codex = translator.toCanonicalRequest(
      {
        tools: [
          {
            type: 'namespace',
            name: 'agents',
            description: 'Agents.',
            tools: [{ type: 'function', name: 'spawn', parameters: { type: 'object' } }],
          },
          { type: 'custom', name: 'apply_patch', description: 'Patch files.' },
        ],
      },
      'gpt-5',
      true,
    );
    const usage = usageOf(
      { inputNoCache: 20, cacheRead: 80, cacheWrite5m: 5, outputText: 7, outputReasoning: 3 },
      undefined,
    );
    const parts: StreamPart[] = [
      { type: 'start', id: 'msg_upstream', model: 'claude-x' },
      { type: 'text-start', id: 't1' },
      { type: 'tool-call-start', id: 'toolu_1', name: 'agents__spawn' },
      { type: 'text-delta', id: 't1', delta: 'Working ' },
      { type: 'tool-call-delta', id: 'toolu_1', delta: '{"task":' },
      { type: 'tool-call-start', id: 'toolu_2', name: 'apply_patch' },
      { type: 'tool-call-delta', id: 'toolu_2', delta: '{"input":"*** Begin Patch\\n' },
      { type: 'tool-call-delta', id: 'toolu_1', delta: '"lint"}' },
      { type: 'text-delta', id: 't1', delta: 'on it.' },
      { type: 'tool-call-delta', id: 'toolu_2', delta: '*** End Patch"}' },
      { type: 'tool-call-end', id: 'toolu_1' },
      { type: 'tool-call-end', id: 'toolu_2' },
      { type: 'finish', reason: { unified: 'tool-calls', raw: 'tool_use' } },
      { type: 'usage', usage },
    ];
    encode(parts, { ...context(), request: codex });
    const response = await client.responses.stream({ model: 'client-model', input: 'go' }).finalResponse();
    expect(response.output_text).toBe('Working on it.');
    expect(response.output).toEqual([
      expect.objectContaining({ type: 'message', status: 'completed' }),
      expect.objectContaining({
        type: 'function_call',
        call_id: 'toolu_1',
        name: 'spawn',
        namespace: 'agents',
        arguments: '{"task":"lint"}',
      }),
      expect.objectContaining({
        type: 'custom_tool_call',
        call_id: 'toolu_2',
        name: 'apply_patch',
        input: '*** Begin Patch\n*** End Patch',
      }),
    ]);
    // Cache writes are input OpenAI does not name: they count as uncached input.
    expect(response.usage).toMatchObject({
      input_tokens: 105,
      input_tokens_details: { cached_tokens: 80 },
      output_tokens: 10,
      output_tokens_details: { reasoning_tokens: 3 },
    });
  });

  it('ends a cut answer as incomplete, closing the block still open', async () => {
    encode([
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'Once upon' },
      { type: 'finish', reason: { unified: 'length', raw: 'max_tokens' } },
    ]);
    const response = await client.responses.stream({ model: 'client-model', input: 'story' }).finalResponse();
    expect(response).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      output_text: 'Once upon',
    });
    expect(response.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
  });

  it('passes an upstream error on as OpenAI does: an error event, then response.failed', async () => {
    encode([
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'Half' },
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      { type: 'text-delta', id: 't', delta: ' never sent' },
    ]);
    const events: { type: string; message?: string; response?: { status?: string; error?: unknown } }[] = [];
    for await (const event of await client.responses.create({
      model: 'client-model',
      input: 'x',
      stream: true,
    })) {
      events.push(event as (typeof events)[number]);
    }
    expect(events.slice(-2)).toMatchObject([
      { type: 'error', code: 'overloaded_error', message: 'Overloaded' },
      {
        type: 'response.failed',
        response: { status: 'failed', error: { code: 'overloaded_error', message: 'Overloaded' } },
      },
    ]);
    expect(JSON.stringify(events)).not.toContain('never sent');
    await expect(
      client.responses.stream({ model: 'client-model', input: 'x' }).finalResponse(),
    ).rejects.toBeDefined();
  });

  it("fails with the relay's own error and writes nothing after it", async () => {
    let encoder: ReturnType<typeof translator.encodeStream> | undefined;
    const body = encode(
      [
        { type: 'text-start', id: 't' },
        { type: 'text-delta', id: 't', delta: 'Partial' },
      ],
      context(),
      (open) => {
        encoder = open;
        return open.fail(new AppError('upstream_timeout', 'The upstream stopped answering'));
      },
    );
    expect(encoder?.write([{ type: 'text-delta', id: 't', delta: 'more' }])).toBe('');
    expect(encoder?.end()).toBe('');
    expect(body).toContain(
      'event: error\ndata: {"type":"error","code":"upstream_timeout","message":"The upstream stopped answering"',
    );
    const events: { type: string }[] = [];
    for await (const event of await client.responses.create({
      model: 'client-model',
      input: 'x',
      stream: true,
    })) {
      events.push(event);
    }
    expect(events.map((event) => event.type).slice(-2)).toEqual(['error', 'response.failed']);
  });

  it('renders a complete answer the SDK reads', async () => {
    const canonical = translator.toCanonicalResponse(
      JSON.parse(fixture('reasoning', '.body.json').toString('utf8')),
    );
    const rendered = translator.fromCanonicalResponse(canonical, context());
    sdk.reply({ body: JSON.stringify(rendered), contentType: 'application/json' });
    const response = await client.responses.create({ model: 'client-model', input: 'Primes below 20?' });
    expect(response.output_text).toBe(expected('reasoning').text);
    expect(response.status).toBe('completed');
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(response.usage?.output_tokens_details.reasoning_tokens).toBe(576);
    const refusal = translator.fromCanonicalResponse(
      translator.toCanonicalResponse(JSON.parse(fixture('refusal', '.body.json').toString('utf8'))),
      context(),
    );
    expect(refusal).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'content_filter' } });
  });
});
