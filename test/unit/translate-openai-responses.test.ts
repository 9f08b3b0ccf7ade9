// The OpenAI Responses translator: Codex's and the openai SDK's requests read into the canonical model and
// rendered back for an OpenAI upstream, recorded upstream answers decoded in any chunking, and the encoded
// stream and answer parsed by the official openai SDK.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import type { CanonicalRequest, CanonicalTool } from '../../src/relay/canonical/request.js';
import type { StreamPart } from '../../src/relay/canonical/response.js';
import { type CanonicalUsage, usageOf } from '../../src/relay/canonical/usage.js';
import { responsesUsage } from '../../src/relay/formats/openai-responses/usage.js';
import { responsesTranslator as translator } from '../../src/relay/translate/openai-responses/translator.js';
import type { AnswerContext } from '../../src/relay/translate/translator.js';
import { codexRequest } from '../fixtures/openai-responses/codex-request.js';

const STREAMS = new URL('../fixtures/openai-responses/streams/', import.meta.url);
const SCENARIOS = ['text', 'tool-calls-parallel', 'reasoning', 'refusal', 'mid-stream-error'] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Expected {
  text: string;
  reasoning: string;
  signature?: string;
  toolCalls: { name: string; arguments: string }[];
  finish: string;
  usage: Record<string, number> | null;
  error?: { type: string; message: string };
}

function fixture(scenario: Scenario, extension: string): Buffer {
  return readFileSync(new URL(`${scenario}${extension}`, STREAMS));
}

function expected(scenario: Scenario): Expected {
  return JSON.parse(fixture(scenario, '.json').toString('utf8')) as Expected;
}

function request(overrides: Partial<CanonicalRequest> = {}): CanonicalRequest {
  return {
    model: 'gpt-5',
    stream: true,
    system: [],
    messages: [],
    tools: [],
    hints: {},
    unsupported: [],
    ...overrides,
  };
}

function context(overrides: Partial<CanonicalRequest> = {}): AnswerContext {
  return {
    model: 'client-model',
    requestId: 'req_0123456789abcdef0123456789abcdef',
    clientQuery: '',
    created: 1_765_552_659,
    request: request(overrides),
  };
}

/** Runs a decoder over the chunks, checking every block is a start, its deltas, an end. */
function decode(chunks: Buffer[]): StreamPart[] {
  const decoder = translator.decodeStream();
  const parts = chunks.flatMap((chunk) => decoder.push(chunk));
  parts.push(...decoder.end());
  const open = new Map<string, string>();
  for (const part of parts) {
    const [kind, phase] =
      part.type.split('-').length === 3 ? ['tool-call', part.type.slice(10)] : part.type.split('-');
    if (!('id' in part) || phase === undefined || part.type === 'start') continue;
    const key = `${kind}:${part.id}`;
    if (phase === 'start') {
      expect(open.has(key), `${key} started twice`).toBe(false);
      open.set(key, kind ?? '');
    } else {
      expect(open.has(key), `${part.type} of ${key} outside its block`).toBe(true);
      if (phase === 'end') open.delete(key);
    }
  }
  expect([...open.keys()], 'blocks left open').toEqual([]);
  return parts;
}

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

function refusedFeature(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).httpStatus).toBe(400);
    return String((error as AppError).details?.feature);
  }
  throw new Error('expected a refusal');
}

describe('reading a Responses request', () => {
  it('keeps a developer message given after the conversation began where it stood', () => {
    const request = translator.toCanonicalRequest(
      {
        input: [
          { role: 'user', content: 'a' },
          { role: 'developer', content: 'b' },
        ],
      },
      'gpt-5',
      false,
    );
    expect(request.unsupported).toEqual([]);
    expect(request.messages.map((message) => message.role)).toEqual(['user', 'system']);
    expect(request.messages[1]?.content).toMatchObject([{ type: 'text', text: 'b' }]);
  });

  it('reads the recorded Codex request without refusing anything', () => {
    const body = codexRequest('key').body;
    const canonical = translator.toCanonicalRequest(body, 'gpt-5-codex', true);
    expect(canonical.unsupported).toEqual([]);
    // The two developer messages are the instructions; the two user messages one turn.
    expect(canonical.system).toHaveLength(3);
    expect(canonical.system[0]?.text).toMatch(/^You are a coding agent running in the Codex CLI/);
    expect(canonical.messages).toHaveLength(1);
    expect(canonical.messages[0]?.role).toBe('user');
    expect(canonical.messages[0]?.content.map((part) => part.type === 'text' && part.text)).toEqual([
      expect.stringContaining('<environment_context>'),
      'say hi',
    ]);
    const names = canonical.tools.map((tool) =>
      tool.type === 'function' ? tool.name : `provider:${tool.kind}`,
    );
    expect(names).toEqual(
      expect.arrayContaining(['exec_command', 'multi_agent_v1__spawn_agent', 'provider:web_search']),
    );
    const spawn = canonical.tools.find(
      (tool) => tool.type === 'function' && tool.name === 'multi_agent_v1__spawn_agent',
    );
    expect(spawn).toMatchObject({
      description: expect.stringMatching(/^Tools for spawning and managing sub-agents\./),
    });
    expect(canonical.tools.find((tool) => tool.type === 'provider')?.raw).toEqual({
      type: 'web_search',
      external_web_access: false,
    });
    expect(canonical).toMatchObject({
      model: 'gpt-5-codex',
      stream: true,
      toolChoice: { type: 'auto' },
      parallelToolCalls: true,
      reasoning: { enabled: true, include: true },
      hints: {
        store: false,
        include: ['reasoning.encrypted_content'],
        prompt_cache_key: '01a24248-fc42-7712-9311-6c3654e3d0d7',
        'reasoning.summary': 'auto',
        client_metadata: expect.any(Object),
      },
    });
  });

  it('reads a conversation: reasoning, calls of every kind, their outputs and files', () => {
    const canonical = translator.toCanonicalRequest(
      {
        model: 'gpt-5',
        instructions: 'Be brief.',
        input: [
          { role: 'user', content: 'List the files.' },
          {
            type: 'reasoning',
            id: 'rs_1',
            summary: [{ type: 'summary_text', text: 'Plan' }],
            encrypted_content: 'gAAAAAxyz',
          },
          {
            type: 'message',
            role: 'assistant',
            content: [{ type: 'output_text', text: 'Listing.', annotations: [] }],
          },
          { type: 'function_call', call_id: 'call_1', name: 'exec_command', arguments: '{"cmd":"ls"}' },
          {
            type: 'function_call',
            call_id: 'call_2',
            namespace: 'multi_agent_v1',
            name: 'spawn_agent',
            arguments: '{}',
          },
          { type: 'custom_tool_call', call_id: 'call_3', name: 'apply_patch', input: '*** Begin Patch' },
          { type: 'function_call_output', call_id: 'call_1', output: 'a.txt' },
          {
            type: 'function_call_output',
            call_id: 'call_2',
            output: [
              { type: 'input_text', text: 'spawned' },
              { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' },
            ],
          },
          { type: 'custom_tool_call_output', call_id: 'call_3', output: 'Done!' },
          {
            role: 'user',
            content: [
              { type: 'input_file', filename: 'spec.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' },
              { type: 'input_image', image_url: 'https://example.com/cat.webp' },
            ],
          },
        ],
      },
      'gpt-5',
      false,
    );
    expect(canonical.unsupported).toEqual([]);
    expect(canonical.system).toEqual([{ type: 'text', text: 'Be brief.' }]);
    expect(canonical.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(canonical.messages[1]?.content).toMatchObject([
      { type: 'reasoning', text: 'Plan', signature: 'gAAAAAxyz' },
      { type: 'text', text: 'Listing.' },
      { type: 'tool-call', id: 'call_1', name: 'exec_command', input: '{"cmd":"ls"}' },
      { type: 'tool-call', id: 'call_2', name: 'multi_agent_v1__spawn_agent', input: '{}' },
      { type: 'tool-call', id: 'call_3', name: 'apply_patch', input: '{"input":"*** Begin Patch"}' },
    ]);
    expect(canonical.messages[2]?.content).toMatchObject([
      {
        type: 'tool-result',
        toolCallId: 'call_1',
        name: 'exec_command',
        content: [{ type: 'text', text: 'a.txt' }],
      },
      {
        type: 'tool-result',
        toolCallId: 'call_2',
        name: 'multi_agent_v1__spawn_agent',
        content: [
          { type: 'text', text: 'spawned' },
          { type: 'file', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
        ],
      },
      { type: 'tool-result', toolCallId: 'call_3', content: [{ type: 'text', text: 'Done!' }] },
      { type: 'file', mediaType: 'application/pdf', data: 'JVBERi0=' },
      { type: 'file', mediaType: 'image/webp', url: 'https://example.com/cat.webp' },
    ]);
  });

  it('maps sampling, output format and reasoning settings', () => {
    const canonical = translator.toCanonicalRequest(
      {
        model: 'gpt-5',
        input: 'hi',
        max_output_tokens: 500,
        temperature: 0.2,
        top_p: 0.9,
        tool_choice: { type: 'function', name: 'exec_command' },
        text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
        reasoning: { effort: 'high', summary: 'detailed' },
        user: 'user-7',
        service_tier: 'flex',
      },
      'gpt-5',
      false,
    );
    expect(canonical).toMatchObject({
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      maxOutputTokens: 500,
      temperature: 0.2,
      topP: 0.9,
      toolChoice: { type: 'tool', name: 'exec_command' },
      responseFormat: { type: 'json', name: 'answer', schema: { type: 'object' }, strict: true },
      reasoning: { enabled: true, effort: 'high', include: true },
      user: 'user-7',
      hints: { user: 'user-7', service_tier: 'flex', 'reasoning.summary': 'detailed' },
      unsupported: [],
    });
    expect(translator.toCanonicalRequest({ reasoning: { effort: 'none' } }, 'm', false).reasoning).toEqual({
      enabled: false,
    });
  });

  it.each([
    ['previous_response_id', { previous_response_id: 'resp_1' }],
    ['conversation', { conversation: 'conv_1' }],
    ['some_new_field', { some_new_field: 1 }],
    ['input[0].type=item_reference', { input: [{ type: 'item_reference', id: 'msg_1' }] }],
    [
      'input[0].type=web_search_call',
      { input: [{ type: 'web_search_call', id: 'ws_1', status: 'completed' }] },
    ],
    [
      'input[0].content[0].file_id',
      { input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1' }] }] },
    ],
    ['tools[0].type=file_search', { tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }] }],
    ['tools[0].type=local_shell', { tools: [{ type: 'local_shell' }] }],
    [
      'tools[0].format.type=grammar',
      {
        tools: [
          {
            type: 'custom',
            name: 'apply_patch',
            format: { type: 'grammar', syntax: 'lark', definition: 'x' },
          },
        ],
      },
    ],
    ['tool_choice.type=allowed_tools', { tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [] } }],
    ['reasoning.effort=xhigh', { reasoning: { effort: 'xhigh' } }],
    ['text.verbosity', { text: { verbosity: 'low' } }],
    ['top_logprobs', { top_logprobs: 5 }],
    ['background', { background: true }],
  ])('records %s as unsupported', (feature, body) => {
    const canonical = translator.toCanonicalRequest({ model: 'gpt-5', ...body }, 'gpt-5', false);
    expect(canonical.unsupported.map((entry) => entry.feature)).toEqual([feature]);
  });

  it('reads an untyped-text freeform tool as a one-string function and refuses unreadable fields', () => {
    const canonical = translator.toCanonicalRequest(
      { tools: [{ type: 'custom', name: 'note', description: 'Write a note.' }] },
      'gpt-5',
      false,
    );
    expect(canonical.tools).toMatchObject([
      {
        type: 'function',
        name: 'note',
        inputSchema: { properties: { input: { type: 'string' } }, required: ['input'] },
      },
    ]);
    expect(() =>
      translator.toCanonicalRequest({ input: [{ type: 'function_call', name: 'f' }] }, 'm', false),
    ).toThrow(/^input\[0\]\.call_id: /);
    expect(() => translator.toCanonicalRequest({ input: 7 }, 'm', false)).toThrow(/^input: /);
  });
});

describe('rendering a request for an OpenAI upstream', () => {
  const tools: CanonicalTool[] = [
    {
      type: 'function',
      name: 'get_weather',
      description: 'Weather.',
      inputSchema: { type: 'object', properties: {} },
    },
    {
      type: 'provider',
      kind: 'web_search',
      raw: { type: 'web_search_20250305', name: 'web_search', allowed_domains: ['example.com'] },
    },
  ];
  const longId = `toolu_${'x'.repeat(70)}`;
  const canonical = request({
    system: [
      { type: 'text', text: 'You are terse.' },
      { type: 'text', text: 'Answer in English.' },
    ],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Weather in Lisbon?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'Anthropic thinking', signature: 'EqQBCkYIBxgCKkBanthropic' },
          { type: 'reasoning', text: 'OpenAI summary', signature: 'gAAAAABopenai' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool-call', id: longId, name: 'get_weather', input: '{"city":"Lisbon"}' },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool-result', toolCallId: longId, content: [{ type: 'text', text: '21°C' }] },
          { type: 'text', text: 'Thanks' },
          { type: 'file', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
        ],
      },
    ],
    tools,
    toolChoice: { type: 'required' },
    maxOutputTokens: 1,
    reasoning: { enabled: true, budgetTokens: 10_000, include: true },
    user: 'u'.repeat(80),
    hints: { prompt_cache_key: 'session-1', service_tier: 'standard_only', metadata: { user_id: 'abc' } },
  });

  it('renders what OpenAI accepts', () => {
    const body = translator.fromCanonicalRequest(canonical, 'gpt-5-mini');
    expect(body).toMatchObject({
      model: 'gpt-5-mini',
      stream: true,
      instructions: 'You are terse.\n\nAnswer in English.',
      tool_choice: 'required',
      max_output_tokens: 16,
      reasoning: { effort: 'medium', summary: 'auto' },
      store: false,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: 'session-1',
      metadata: { user_id: 'abc' },
      tools: [
        {
          type: 'function',
          name: 'get_weather',
          description: 'Weather.',
          parameters: { type: 'object', properties: {} },
          strict: false,
        },
        { type: 'web_search', filters: { allowed_domains: ['example.com'] } },
      ],
    });
    // Anthropic's service tier names nothing OpenAI knows; a long user id goes as its hash.
    expect(body.service_tier).toBeUndefined();
    expect(body.safety_identifier).toMatch(/^[0-9a-f]{64}$/);
    const input = body.input as Record<string, unknown>[];
    const callId = (input.find((item) => item.type === 'function_call') as { call_id: string }).call_id;
    expect(callId.length).toBeLessThanOrEqual(64);
    expect(input).toEqual([
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather in Lisbon?' }] },
      {
        type: 'reasoning',
        summary: [{ type: 'summary_text', text: 'OpenAI summary' }],
        encrypted_content: 'gAAAAABopenai',
      },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.' }] },
      { type: 'function_call', call_id: callId, name: 'get_weather', arguments: '{"city":"Lisbon"}' },
      { type: 'function_call_output', call_id: callId, output: '21°C' },
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_text', text: 'Thanks' },
          { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'auto' },
        ],
      },
    ]);
  });

  it('round-trips through its own reader', () => {
    const simple = request({
      stream: false,
      system: [{ type: 'text', text: 'Sys' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Q' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'A' },
            { type: 'tool-call', id: 'call_9', name: 'get_weather', input: '{"city":"Porto"}' },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'call_9',
              name: 'get_weather',
              content: [{ type: 'text', text: 'Sunny' }],
            },
          ],
        },
      ],
      tools: [tools[0] as CanonicalTool],
      toolChoice: { type: 'tool', name: 'get_weather' },
      parallelToolCalls: false,
      maxOutputTokens: 300,
      temperature: 0.5,
      topP: 0.8,
      responseFormat: { type: 'json', name: 'out', schema: { type: 'object' }, strict: true },
      reasoning: { enabled: true, effort: 'low', include: true },
      user: 'someone',
    });
    const body = translator.fromCanonicalRequest(simple, 'gpt-5');
    const back = translator.toCanonicalRequest(body, 'gpt-5', false);
    const strip = (value: unknown) =>
      JSON.parse(JSON.stringify(value, (key, inner) => (key === 'raw' ? undefined : inner)));
    expect(strip(back.messages)).toEqual(strip(simple.messages));
    expect(strip(back.tools)).toEqual([{ ...strip(tools[0]), strict: false }]);
    expect(back).toMatchObject({
      system: simple.system,
      toolChoice: simple.toolChoice,
      parallelToolCalls: false,
      maxOutputTokens: 300,
      temperature: 0.5,
      topP: 0.8,
      responseFormat: simple.responseFormat,
      reasoning: simple.reasoning,
      user: 'someone',
      unsupported: [],
    });
  });

  it.each([
    ['top_k', request({ topK: 40 })],
    ['stop sequences', request({ stopSequences: ['END'] })],
    ['seed', request({ seed: 7 })],
    [
      'the tool name "read file"',
      request({ tools: [{ type: 'function', name: 'read file', inputSchema: {} }] }),
    ],
    [
      'the provider tool code_execution',
      request({ tools: [{ type: 'provider', kind: 'code_execution', raw: {} }] }),
    ],
    [
      'web search blocked_domains',
      request({
        tools: [{ type: 'provider', kind: 'web_search', raw: { blocked_domains: ['example.com'] } }],
      }),
    ],
    [
      'an image of type image/bmp',
      request({
        messages: [{ role: 'user', content: [{ type: 'file', mediaType: 'image/bmp', data: 'Qk0=' }] }],
      }),
    ],
    [
      'a file of type audio/wav',
      request({
        messages: [{ role: 'user', content: [{ type: 'file', mediaType: 'audio/wav', data: 'UklGRg==' }] }],
      }),
    ],
    [
      'a file (image/png) in an assistant message',
      request({
        messages: [{ role: 'assistant', content: [{ type: 'file', mediaType: 'image/png', data: 'iVBO' }] }],
      }),
    ],
  ])('refuses %s', (feature, canonicalRequest) => {
    expect(refusedFeature(() => translator.fromCanonicalRequest(canonicalRequest, 'gpt-5'))).toBe(feature);
  });
});

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

describe('encoding for a Responses client, read by the openai SDK', () => {
  let server: Server;
  let answer: { body: string; contentType: string } = { body: '', contentType: 'text/event-stream' };
  let client: OpenAI;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': answer.contentType });
        res.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new OpenAI({ apiKey: 'test', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function encode(
    parts: StreamPart[],
    answerContext = context(),
    cut?: (encoder: ReturnType<typeof translator.encodeStream>) => string,
  ): string {
    const encoder = translator.encodeStream(answerContext);
    const body = encoder.write(parts) + (cut ? cut(encoder) : encoder.end());
    answer = { body, contentType: translator.streamContentType('') };
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
    answer = { body: JSON.stringify(rendered), contentType: 'application/json' };
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
