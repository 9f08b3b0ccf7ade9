// The Chat Completions translator: requests both ways, answers and streams both ways, and the encoder's output
// as the official openai SDK reads it.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import type { CanonicalRequest } from '../../src/relay/canonical/request.js';
import type { CanonicalResponse, StreamPart } from '../../src/relay/canonical/response.js';
import { type CanonicalUsage, usageOf } from '../../src/relay/canonical/usage.js';
import { ChatStreamTap } from '../../src/relay/formats/openai-chat/stream-tap.js';
import { chatUsageFromBody } from '../../src/relay/formats/openai-chat/usage.js';
import { chatTranslator } from '../../src/relay/translate/openai-chat/translator.js';
import type { AnswerContext } from '../../src/relay/translate/translator.js';

const FIXTURES = new URL('../fixtures/openai-chat/streams/', import.meta.url);
const SCENARIOS = ['text', 'tool-calls-parallel', 'reasoning', 'refusal', 'mid-stream-error'] as const;
const WITH_BODY = ['text', 'tool-calls-parallel', 'reasoning', 'refusal'] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Ledger {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  reasoning: number;
}
interface Expected {
  text: string;
  reasoning: string;
  toolCalls: { name: string; arguments: string }[];
  finish?: string;
  usage?: Ledger;
  error?: { type: string; message: string };
}

const wire = (scenario: Scenario) => readFileSync(new URL(`${scenario}.sse`, FIXTURES));
const expected = (scenario: Scenario): Expected =>
  JSON.parse(readFileSync(new URL(`${scenario}.json`, FIXTURES), 'utf8'));
const body = (scenario: Scenario): unknown =>
  JSON.parse(readFileSync(new URL(`${scenario}.body.json`, FIXTURES), 'utf8'));

function ledgerOf(usage: CanonicalUsage): Ledger {
  return {
    input: usage.inputNoCache,
    output: usage.outputTotal,
    cacheRead: usage.cacheRead,
    cacheWrite5m: usage.cacheWrite5m,
    cacheWrite1h: usage.cacheWrite1h,
    reasoning: usage.outputReasoning,
  };
}

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

/** The 400 a refusal is, with the feature it names. */
function refusalOf(render: () => unknown): { message: string; feature: unknown } {
  try {
    render();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.httpStatus).toBe(400);
    return { message: appError.message, feature: appError.details?.feature };
  }
  throw new Error('expected a refusal');
}

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const PDF = 'JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PD4+CmVuZG9iagp0cmFpbGVyCjw8Pj4KJSVFT0YK';

/** A Chat request using every field the translator reads, in the form the renderer writes it. */
const FULL_REQUEST = {
  model: 'gpt-4.1',
  messages: [
    { role: 'system', content: 'You are a terse travel assistant.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is the weather where this photo was taken, and in the brochure city?' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}`, detail: 'low' } },
        { type: 'image_url', image_url: { url: 'https://example.com/harbour.jpg' } },
        { type: 'file', file: { filename: 'brochure.pdf', file_data: `data:application/pdf;base64,${PDF}` } },
      ],
    },
    {
      role: 'assistant',
      content: 'Checking both cities.',
      tool_calls: [
        { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        { id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Bergen"}' } },
      ],
    },
    { role: 'tool', tool_call_id: 'call_a', content: '4°C, rain' },
    { role: 'tool', tool_call_id: 'call_b', content: '6°C, wind' },
    { role: 'user', content: 'Which one is warmer?' },
    { role: 'assistant', content: null, refusal: 'I cannot compare those.' },
    { role: 'user', content: 'Please try.' },
  ],
  store: false,
  metadata: { team: 'travel' },
  service_tier: 'flex',
  prompt_cache_key: 'travel-v1',
  safety_identifier: 'user-hash-1',
  stream: true,
  stream_options: { include_usage: true, include_obfuscation: false },
  tools: [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Current weather for a city',
        parameters: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
          additionalProperties: false,
        },
        strict: true,
      },
    },
  ],
  tool_choice: { type: 'function', function: { name: 'get_weather' } },
  parallel_tool_calls: true,
  max_completion_tokens: 800,
  temperature: 0.4,
  top_p: 0.9,
  stop: ['END'],
  seed: 7,
  presence_penalty: 0.1,
  frequency_penalty: 0.2,
  response_format: {
    type: 'json_schema',
    json_schema: { name: 'answer', schema: { type: 'object' }, strict: true },
  },
  reasoning_effort: 'low',
  user: 'user-42',
};

describe('Chat requests to canonical and back', () => {
  it('round-trips every field it reads', () => {
    const canonical = chatTranslator.toCanonicalRequest(FULL_REQUEST, 'gpt-4.1', true);
    expect(canonical.unsupported).toEqual([]);
    expect(chatTranslator.fromCanonicalRequest(canonical, 'gpt-4.1')).toEqual(FULL_REQUEST);
  });

  it('reads the canonical meaning: instructions, files, tool results with their names, hints', () => {
    const canonical = chatTranslator.toCanonicalRequest(FULL_REQUEST, 'gpt-4.1', true);
    expect(canonical.system.map((part) => part.text)).toEqual(['You are a terse travel assistant.']);
    const [user, assistant, toolTurn] = canonical.messages;
    expect(user?.content.slice(1)).toMatchObject([
      { type: 'file', mediaType: 'image/png', data: PNG },
      { type: 'file', mediaType: 'image/*', url: 'https://example.com/harbour.jpg' },
      { type: 'file', mediaType: 'application/pdf', data: PDF },
    ]);
    expect(assistant?.content.map((part) => part.type)).toEqual(['text', 'tool-call', 'tool-call']);
    // Tool results and the words after them are one user turn; the results name their tools.
    expect(toolTurn).toMatchObject({
      role: 'user',
      content: [
        { type: 'tool-result', toolCallId: 'call_a', name: 'get_weather', content: [{ text: '4°C, rain' }] },
        { type: 'tool-result', toolCallId: 'call_b', name: 'get_weather', content: [{ text: '6°C, wind' }] },
        { type: 'text', text: 'Which one is warmer?' },
      ],
    });
    expect(canonical).toMatchObject({
      maxOutputTokens: 800,
      stopSequences: ['END'],
      toolChoice: { type: 'tool', name: 'get_weather' },
      responseFormat: { type: 'json', name: 'answer', schema: { type: 'object' }, strict: true },
      reasoning: { enabled: true, effort: 'low' },
      user: 'user-42',
    });
    expect(canonical.hints).toEqual({
      store: false,
      metadata: { team: 'travel' },
      service_tier: 'flex',
      prompt_cache_key: 'travel-v1',
      safety_identifier: 'user-hash-1',
      stream_options: { include_usage: true, include_obfuscation: false },
    });
  });

  it('reads the older spellings: developer messages, max_tokens, a single stop, web_search_options', () => {
    const canonical = chatTranslator.toCanonicalRequest(
      {
        model: 'gpt-4o-search-preview',
        messages: [
          { role: 'developer', content: [{ type: 'text', text: 'Cite sources.' }] },
          { role: 'user', content: 'News about tides?' },
        ],
        max_tokens: 300,
        stop: 'END',
        n: 1,
        logprobs: false,
        web_search_options: { search_context_size: 'low' },
      },
      'gpt-4o-search-preview',
      false,
    );
    expect(canonical.system.map((part) => part.text)).toEqual(['Cite sources.']);
    expect(canonical).toMatchObject({ maxOutputTokens: 300, stopSequences: ['END'], unsupported: [] });
    expect(canonical.tools).toEqual([
      { type: 'provider', kind: 'web_search', raw: { web_search_options: { search_context_size: 'low' } } },
    ]);
    const rendered = chatTranslator.fromCanonicalRequest(canonical, 'gpt-4o-search-preview');
    expect(rendered).toMatchObject({
      messages: [
        { role: 'system', content: 'Cite sources.' },
        { role: 'user', content: 'News about tides?' },
      ],
      max_completion_tokens: 300,
      web_search_options: { search_context_size: 'low' },
    });
    expect(rendered).not.toHaveProperty('stream');
  });

  it('renders another format’s conversation as Chat requires it', () => {
    const longId = `toolu_${'x'.repeat(60)}`;
    const request: CanonicalRequest = {
      model: 'claude-sonnet-4-5',
      stream: true,
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Rome?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'I should call the tool.', signature: 'sig-abc' },
            { type: 'tool-call', id: longId, name: 'get_weather', input: '{"city":"Rome"}' },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Here it is.' },
            {
              type: 'tool-result',
              toolCallId: longId,
              content: [{ type: 'text', text: '21°C' }],
              isError: false,
            },
          ],
        },
      ],
      tools: [{ type: 'function', name: 'get_weather', inputSchema: { type: 'object' } }],
      toolChoice: { type: 'required' },
      reasoning: { enabled: true, budgetTokens: 10_000 },
      hints: { service_tier: 'standard_only', metadata: { user_id: 'u-1' } },
      unsupported: [],
    };
    const rendered = chatTranslator.fromCanonicalRequest(request, 'gpt-5-mini') as {
      messages: Record<string, unknown>[];
    };
    const callId = (rendered.messages[2]?.tool_calls as { id: string }[] | undefined)?.[0]?.id;
    expect(callId).toMatch(/^call_[\w-]{35}$/);
    expect(rendered).toEqual({
      model: 'gpt-5-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Rome?' },
        // Reasoning has no place in Chat input; the long id is shortened the same way for call and result.
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: callId, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: callId, content: '21°C' },
        { role: 'user', content: 'Here it is.' },
      ],
      // Anthropic's service tier value means nothing to OpenAI; its metadata is a string map, which is.
      metadata: { user_id: 'u-1' },
      stream: true,
      stream_options: { include_usage: true },
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
      tool_choice: 'required',
      reasoning_effort: 'medium',
    });
  });
});

describe('refusals', () => {
  const read = (fields: Record<string, unknown>) =>
    chatTranslator
      .toCanonicalRequest(
        { model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hi' }], ...fields },
        'gpt-4.1',
        false,
      )
      .unsupported.map((item) => item.feature);

  it.each([
    [{ n: 2 }, 'n'],
    [{ logprobs: true, top_logprobs: 3 }, 'logprobs'],
    [{ modalities: ['text', 'audio'], audio: { voice: 'alloy', format: 'wav' } }, 'modalities'],
    [{ prediction: { type: 'content', content: 'x' } }, 'prediction'],
    [{ logit_bias: { '50256': -100 } }, 'logit_bias'],
    [{ verbosity: 'low' }, 'verbosity'],
    [{ functions: [{ name: 'f' }] }, 'functions'],
    [{ reasoning_effort: 'xhigh' }, 'reasoning_effort=xhigh'],
    [{ tools: [{ type: 'custom', custom: { name: 'grammar' } }] }, 'tools[0].type=custom'],
    [{ tool_choice: { type: 'allowed_tools', allowed_tools: {} } }, 'tool_choice.type=allowed_tools'],
    [
      { response_format: { type: 'json_schema', json_schema: { name: 'a', description: 'An answer' } } },
      'response_format.json_schema.description',
    ],
  ])('records %j as unsupported, naming %s', (fields, feature) => {
    expect(read(fields)).toContain(feature);
  });

  it('records message parts no other format carries', () => {
    const features = read({
      messages: [
        { role: 'user', name: 'ann', content: 'Hi' },
        {
          role: 'user',
          content: [
            { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } },
            { type: 'file', file: { file_id: 'file-abc' } },
          ],
        },
        { role: 'function', name: 'f', content: '1' },
      ],
    });
    expect(features).toEqual([
      'messages[0].name',
      'messages[1].content[0].type=input_audio',
      'messages[1].content[1].file.file_id',
      'messages[2].name',
      'messages[2].role=function',
    ]);
  });

  it.each([
    [{ temperature: 'hot' }, /^temperature: /],
    [{ messages: [{ role: 'user', content: [{ type: 'text' }] }] }, /^messages\[0\]\.content\[0\]\.text: /],
    [{ messages: [{ role: 'tool', content: 'x' }] }, /^messages\[0\]\.tool_call_id: /],
    [
      { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:nocomma' } }] }] },
      /^messages\[0\]\.content\[0\]\.image_url\.url: /,
    ],
  ])('answers %j with a 400 naming the field', (fields, message) => {
    expect(refusalOf(() => read(fields)).message).toMatch(message);
  });

  const base: CanonicalRequest = {
    model: 'm',
    stream: false,
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    tools: [],
    hints: {},
    unsupported: [],
  };
  const userWith = (part: CanonicalRequest['messages'][number]['content'][number]): CanonicalRequest => ({
    ...base,
    messages: [{ role: 'user', content: [part] } as CanonicalRequest['messages'][number]],
  });
  const bigImage = 'A'.repeat(Math.ceil((21 * 1024 * 1024 * 4) / 3));

  it.each<[string, CanonicalRequest, string]>([
    ['top_k', { ...base, topK: 40 }, 'topK'],
    ['five stop sequences', { ...base, stopSequences: ['a', 'b', 'c', 'd', 'e'] }, 'stopSequences'],
    [
      'a provider tool Chat lacks',
      { ...base, tools: [{ type: 'provider', kind: 'code_execution', raw: {} }] },
      'tools[0] (code_execution)',
    ],
    [
      'a tool name OpenAI refuses',
      { ...base, tools: [{ type: 'function', name: 'ns.get', inputSchema: {} }] },
      'tools[0].name',
    ],
    ['a HEIC image', userWith({ type: 'file', mediaType: 'image/heic', data: 'AAAA' }), 'a image/heic image'],
    [
      'an image over 20 MB',
      userWith({ type: 'file', mediaType: 'image/png', data: bigImage }),
      'an image over 20 MB',
    ],
    [
      'an image by gs:// URL',
      userWith({ type: 'file', mediaType: 'image/png', url: 'gs://b/i.png' }),
      'an image by a non-http URL',
    ],
    [
      'a PDF by URL',
      userWith({ type: 'file', mediaType: 'application/pdf', url: 'https://x/y.pdf' }),
      'a PDF by URL',
    ],
    [
      'a text document',
      userWith({ type: 'file', mediaType: 'text/plain', data: 'aGk=' }),
      'a text/plain file',
    ],
    [
      'a file in a tool result',
      userWith({
        type: 'tool-result',
        toolCallId: 'c',
        content: [{ type: 'file', mediaType: 'image/png', data: PNG }],
      }),
      'a file in a tool result',
    ],
    [
      'a file from the assistant',
      {
        ...base,
        messages: [{ role: 'assistant', content: [{ type: 'file', mediaType: 'image/png', data: PNG }] }],
      },
      'a file in an assistant message',
    ],
  ])('refuses to render %s, naming it', (_name, request, feature) => {
    const refusal = refusalOf(() => chatTranslator.fromCanonicalRequest(request, 'gpt-4.1'));
    expect(refusal.feature).toBe(feature);
    expect(refusal.message).toContain('openai-chat');
  });
});

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

describe('the encoder and the complete answer, read by the openai SDK', () => {
  let server: Server;
  let client: OpenAI;
  let reply: { contentType: string; body: string } = { contentType: 'application/json', body: '{}' };
  const requests: Record<string, unknown>[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        requests.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        response.writeHead(200, { 'content-type': reply.contentType });
        response.end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new OpenAI({ apiKey: 'test-key', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const WEATHER = {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' }, unit: { type: 'string' } },
        required: ['city', 'unit'],
        additionalProperties: false,
      },
      strict: true,
    },
  };

  function context(includeUsage: boolean): AnswerContext {
    const request = chatTranslator.toCanonicalRequest(
      {
        model: 'relay-model',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
        ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
      },
      'relay-model',
      true,
    );
    return { model: 'relay-model', requestId: 'req_123', clientQuery: '', created: 1_770_000_000, request };
  }

  function serveStream(text: string): void {
    reply = { contentType: chatTranslator.streamContentType(''), body: text };
  }

  const params = (includeUsage: boolean) => ({
    model: 'relay-model',
    messages: [{ role: 'user' as const, content: 'Hi' }],
    tools: [WEATHER],
    ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
  });

  it('streams an upstream stream through decoder and encoder: text, stop reason and usage', async () => {
    const encoder = chatTranslator.encodeStream(context(true));
    const decoder = chatTranslator.decodeStream();
    const bytes = wire('text');
    let text = '';
    for (let at = 0; at < bytes.length; at += 97)
      text += encoder.write(decoder.push(bytes.subarray(at, at + 97)));
    serveStream(text + encoder.write(decoder.end()) + encoder.end());
    const stream = client.chat.completions.stream(params(true));
    const deltas: string[] = [];
    stream.on('content.delta', ({ delta }) => deltas.push(delta));
    const completion = await stream.finalChatCompletion();
    expect(deltas.length).toBeGreaterThan(10);
    expect(completion.id).toBe('chatcmpl-DA1tq7Kx2mWc9Hn4oYbE5sLrVfZ8p');
    expect(completion.model).toBe('relay-model');
    expect(completion.choices[0]?.message.content).toBe(expected('text').text);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({
      prompt_tokens: 24,
      completion_tokens: 28,
      total_tokens: 52,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  it('streams reasoning, text and two interleaved tool calls, usage before the finish', async () => {
    const encoder = chatTranslator.encodeStream(context(true));
    const usage = usageOf(
      { inputNoCache: 40, cacheRead: 60, outputText: 30, outputReasoning: 12 },
      undefined,
    );
    const text = encoder.write([
      { type: 'start', id: undefined, model: 'claude-sonnet-4-5' },
      { type: 'reasoning-start', id: 'r' },
      { type: 'reasoning-delta', id: 'r', delta: 'Two cities.' },
      { type: 'reasoning-end', id: 'r', signature: 'sig' },
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'Checking both.' },
      { type: 'text-end', id: 't' },
      { type: 'tool-call-start', id: 'toolu_a', name: 'get_weather' },
      { type: 'tool-call-start', id: 'toolu_b', name: 'get_weather' },
      { type: 'tool-call-delta', id: 'toolu_a', delta: '{"city":' },
      { type: 'tool-call-delta', id: 'toolu_b', delta: '{"city":"Lima",' },
      { type: 'tool-call-delta', id: 'toolu_a', delta: '"Quito","unit":"c"}' },
      { type: 'tool-call-delta', id: 'toolu_b', delta: '"unit":"c"}' },
      { type: 'tool-call-end', id: 'toolu_a' },
      { type: 'tool-call-end', id: 'toolu_b' },
      { type: 'usage', usage },
      // Gemini ends a turn with tool calls as a plain stop; Chat clients run tools on `tool_calls` only.
      { type: 'finish', reason: { unified: 'stop', raw: 'STOP' } },
    ]);
    serveStream(text + encoder.end());
    const stream = client.chat.completions.stream(params(true));
    const done: unknown[] = [];
    stream.on('tool_calls.function.arguments.done', (event) => done.push(event.parsed_arguments));
    const completion = await stream.finalChatCompletion();
    const message = completion.choices[0]?.message;
    expect(completion.id).toBe('chatcmpl-req_123');
    expect(message?.content).toBe('Checking both.');
    expect((message as unknown as { reasoning_content?: string }).reasoning_content).toBeDefined();
    expect(
      message?.tool_calls?.map((call) => call.type === 'function' && [call.id, call.function.name]),
    ).toEqual([
      ['toolu_a', 'get_weather'],
      ['toolu_b', 'get_weather'],
    ]);
    expect(done).toEqual([
      { city: 'Quito', unit: 'c' },
      { city: 'Lima', unit: 'c' },
    ]);
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.usage).toMatchObject({
      prompt_tokens: 100,
      completion_tokens: 42,
      prompt_tokens_details: { cached_tokens: 60 },
      completion_tokens_details: { reasoning_tokens: 12 },
    });
  });

  it('sends the usage chunk only to a client that asked for it', async () => {
    const encoder = chatTranslator.encodeStream(context(false));
    const usage = usageOf({ inputNoCache: 5, outputText: 2 }, undefined);
    const text =
      encoder.write([
        { type: 'start', id: 'up-1', model: undefined },
        { type: 'text-start', id: 't' },
        { type: 'text-delta', id: 't', delta: 'Hi.' },
        { type: 'text-end', id: 't' },
        { type: 'finish', reason: { unified: 'stop', raw: 'end_turn' } },
        { type: 'usage', usage },
      ]) + encoder.end();
    expect(text).not.toContain('"choices":[]');
    expect(text).not.toContain('"usage"');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    serveStream(text);
    const completion = await client.chat.completions.stream(params(false)).finalChatCompletion();
    expect(completion.choices[0]?.message.content).toBe('Hi.');
    expect(completion.usage).toBeUndefined();
  });

  it('ends with the upstream’s error as an error chunk, which the SDK raises, and writes nothing after', async () => {
    const encoder = chatTranslator.encodeStream(context(true));
    const decoder = chatTranslator.decodeStream();
    const text = encoder.write(decoder.push(wire('mid-stream-error'))) + encoder.write(decoder.end());
    expect(encoder.end()).toBe('');
    expect(text).not.toContain('[DONE]');
    serveStream(text);
    const deltas: string[] = [];
    const stream = client.chat.completions.stream(params(true));
    stream.on('content.delta', ({ delta }) => deltas.push(delta));
    await expect(stream.finalChatCompletion()).rejects.toMatchObject({
      error: { type: 'server_error', message: expected('mid-stream-error').error?.message },
    });
    expect(deltas.join('')).toBe(expected('mid-stream-error').text);
  });

  it('fails with the relay’s own error in OpenAI’s shape, closing the stream', async () => {
    const encoder = chatTranslator.encodeStream(context(false));
    let text = encoder.write([
      { type: 'start', id: undefined, model: undefined },
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'Partial' },
    ]);
    text += encoder.fail(new AppError('upstream_timeout', 'The upstream stopped answering'));
    expect(encoder.write([{ type: 'text-delta', id: 't', delta: 'late' }])).toBe('');
    expect(encoder.fail(new AppError('internal', 'again'))).toBe('');
    expect(encoder.end()).toBe('');
    serveStream(text);
    await expect(client.chat.completions.stream(params(false)).finalChatCompletion()).rejects.toMatchObject({
      message: expect.stringContaining('The upstream stopped answering'),
      code: 'upstream_timeout',
    });
  });

  it('closes a stream whose blocks are still open with [DONE], every chunk readable', async () => {
    const encoder = chatTranslator.encodeStream(context(false));
    const text =
      encoder.write([
        { type: 'text-start', id: 't' },
        { type: 'text-delta', id: 't', delta: 'Cut ' },
        { type: 'tool-call-start', id: 'c', name: 'get_weather' },
        { type: 'tool-call-delta', id: 'c', delta: '{"ci' },
      ]) + encoder.end();
    serveStream(text);
    const stream = await client.chat.completions.create({ ...params(false), stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta).toMatchObject({ role: 'assistant', content: 'Cut ' });
    expect(chunks[1]?.choices[0]?.delta.tool_calls?.[0]).toMatchObject({ index: 0, id: 'c' });
  });

  it.each(WITH_BODY)('renders the %s answer as a chat.completion the SDK reads', async (scenario) => {
    const response: CanonicalResponse = chatTranslator.toCanonicalResponse(body(scenario));
    reply = {
      contentType: 'application/json',
      body: JSON.stringify(chatTranslator.fromCanonicalResponse(response, context(false))),
    };
    const completion = await client.chat.completions.create({ ...params(false), stream: false });
    const want = expected(scenario);
    const message = completion.choices[0]?.message;
    expect(completion.model).toBe('relay-model');
    expect(completion.created).toBe(1_770_000_000);
    if (scenario === 'refusal') expect(message?.refusal).toBe(want.text);
    else expect(message?.content ?? '').toBe(want.text);
    expect(
      (message?.tool_calls ?? []).map((call) =>
        call.type === 'function' ? { name: call.function.name, arguments: call.function.arguments } : {},
      ),
    ).toEqual(want.toolCalls);
    expect(completion.choices[0]?.finish_reason).toBe(
      { stop: 'stop', 'tool-calls': 'tool_calls', 'content-filter': 'content_filter' }[want.finish ?? 'stop'],
    );
    const usage = want.usage as Ledger;
    expect(completion.usage).toMatchObject({
      prompt_tokens: usage.input + usage.cacheRead,
      completion_tokens: usage.output,
      prompt_tokens_details: { cached_tokens: usage.cacheRead },
      completion_tokens_details: { reasoning_tokens: usage.reasoning },
    });
    expect(requests.at(-1)).toMatchObject({ model: 'relay-model', stream: false });
  });
});
