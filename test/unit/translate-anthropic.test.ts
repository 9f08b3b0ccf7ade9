// The Anthropic Messages translator: requests both ways (and the API's rules the renderer follows), answers and
// streams both ways, and the encoder's output as the official @anthropic-ai/sdk reads it.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import type { CanonicalRequest } from '../../src/relay/canonical/request.js';
import type { CanonicalResponse, StreamPart } from '../../src/relay/canonical/response.js';
import { type CanonicalUsage, usageOf } from '../../src/relay/canonical/usage.js';
import { AnthropicStreamTap } from '../../src/relay/formats/anthropic/stream-tap.js';
import { anthropicUsageFromBody } from '../../src/relay/formats/anthropic/usage.js';
import { anthropicTranslator } from '../../src/relay/translate/anthropic/translator.js';
import type { AnswerContext } from '../../src/relay/translate/translator.js';

const FIXTURES = new URL('../fixtures/anthropic/streams/', import.meta.url);
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
interface Summary {
  text: string;
  reasoning: string;
  signature?: string;
  toolCalls: { name: string; arguments: string }[];
  finish: string | null;
  usage: Ledger;
  error?: { type: string; message: string };
}

const wire = (scenario: Scenario) => readFileSync(new URL(`${scenario}.sse`, FIXTURES));
const expected = (scenario: Scenario): Summary =>
  JSON.parse(readFileSync(new URL(`${scenario}.json`, FIXTURES), 'utf8'));
const body = (scenario: Scenario): Record<string, unknown> =>
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

function decode(pieces: readonly Buffer[]): StreamPart[] {
  const decoder = anthropicTranslator.decodeStream();
  const parts = pieces.flatMap((piece) => decoder.push(piece));
  return [...parts, ...decoder.end()];
}

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

function refusal(run: () => unknown): { feature: string; message: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.httpStatus).toBe(400);
    return {
      feature: String(appError.details?.feature ?? appError.details?.field),
      message: appError.message,
    };
  }
  throw new Error('expected a refusal');
}

function canonical(overrides: Partial<CanonicalRequest>): CanonicalRequest {
  return {
    model: 'client-model',
    stream: false,
    system: [],
    messages: [],
    tools: [],
    hints: {},
    unsupported: [],
    ...overrides,
  };
}

const userSays = (text: string): CanonicalRequest['messages'][number] => ({
  role: 'user',
  content: [{ type: 'text', text }],
});
const render = (request: CanonicalRequest, model = 'claude-sonnet-4-5-20250929') =>
  anthropicTranslator.fromCanonicalRequest(request, model);

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('Anthropic requests → canonical', () => {
  const claudeCodeLike = {
    model: 'claude-sonnet-4-5-20250929',
    max_tokens: 32000,
    stream: true,
    metadata: { user_id: 'user_abc_session_123' },
    system: [
      { type: 'text', text: 'You are Claude Code.' },
      { type: 'text', text: 'Follow the project rules.', cache_control: { type: 'ephemeral' } },
    ],
    messages: [
      { role: 'user', content: 'say hi' },
      { role: 'system', content: 'A mid-conversation system message.' },
      { role: 'user', content: [{ type: 'text', text: 'and again' }] },
    ],
    tools: [
      {
        name: 'Read',
        description: 'Reads a file',
        input_schema: { type: 'object', properties: { path: { type: 'string' } } },
      },
      { type: 'web_search_20250305', name: 'web_search', max_uses: 3 },
      { type: 'bash_20250124', name: 'bash' },
      { type: 'computer_20250124', name: 'computer', display_width_px: 1024, display_height_px: 768 },
      { type: 'web_fetch_20250910', name: 'web_fetch' },
    ],
    temperature: 1,
    cache_control: { type: 'ephemeral' },
    service_tier: 'auto',
    context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
    container: 'container_011',
    mcp_servers: [{ type: 'url', url: 'https://mcp.example', name: 'example' }],
  };

  it('reads fields, keeps serving settings as hints and records what has no canonical field', () => {
    const request = anthropicTranslator.toCanonicalRequest(
      claudeCodeLike,
      'claude-sonnet-4-5-20250929',
      true,
    );
    expect(request.maxOutputTokens).toBe(32000);
    expect(request.temperature).toBe(1);
    expect(request.user).toBe('user_abc_session_123');
    expect(request.system.map((part) => part.text)).toEqual([
      'You are Claude Code.',
      'Follow the project rules.',
    ]);
    expect(request.system[1]?.raw).toMatchObject({ cache_control: { type: 'ephemeral' } });
    expect(request.messages).toEqual([
      userSays('say hi'),
      { role: 'system', content: [{ type: 'text', text: 'A mid-conversation system message.' }] },
      userSays('and again'),
    ]);
    expect(request.tools[0]).toMatchObject({ type: 'function', name: 'Read', description: 'Reads a file' });
    expect(request.tools[1]).toMatchObject({ type: 'provider', kind: 'web_search' });
    expect(request.tools).toHaveLength(2);
    expect(request.hints).toEqual({
      cache_control: { type: 'ephemeral' },
      service_tier: 'auto',
      context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
    });
    expect(request.unsupported.map((entry) => entry.feature).sort()).toEqual([
      'container',
      'mcp_servers',
      'tools[2].type=bash_20250124',
      'tools[3].type=computer_20250124',
      'tools[4].type=web_fetch_20250910',
    ]);
  });

  it('reads every content block a conversation can hold', () => {
    const request = anthropicTranslator.toCanonicalRequest(
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
              { type: 'image', source: { type: 'url', url: 'https://example.com/cat.JPG?size=2' } },
              {
                type: 'document',
                source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' },
              },
              {
                type: 'document',
                source: { type: 'url', url: 'https://example.com/paper.pdf' },
                title: 'Paper',
              },
              { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain words' } },
              { type: 'image', source: { type: 'file', file_id: 'file_011' } },
              { type: 'search_result', source: 'https://example.com', title: 't', content: [] },
            ],
          },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'Let me look.', signature: 'EqQBsig' },
              { type: 'redacted_thinking', data: 'EmwKAhgBEgy' },
              { type: 'text', text: 'Looking.' },
              { type: 'tool_use', id: 'toolu_01', name: 'Read', input: { path: '/a' } },
              { type: 'server_tool_use', id: 'srvtoolu_01', name: 'web_search', input: { query: 'x' } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_01', content: 'file body' },
              {
                type: 'tool_result',
                tool_use_id: 'toolu_02',
                is_error: true,
                content: [
                  { type: 'text', text: 'failed' },
                  { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
                ],
              },
            ],
          },
        ],
      },
      'claude-sonnet-4-5',
      false,
    );
    const [user, assistant, results] = request.messages;
    expect(user?.content).toEqual([
      { type: 'file', mediaType: 'image/png', data: PNG },
      { type: 'file', mediaType: 'image/jpeg', url: 'https://example.com/cat.JPG?size=2' },
      { type: 'file', mediaType: 'application/pdf', data: 'JVBERi0=' },
      expect.objectContaining({
        type: 'file',
        mediaType: 'application/pdf',
        url: 'https://example.com/paper.pdf',
      }),
      { type: 'file', mediaType: 'text/plain', data: Buffer.from('plain words').toString('base64') },
    ]);
    expect(assistant?.content).toEqual([
      expect.objectContaining({ type: 'reasoning', text: 'Let me look.', signature: 'EqQBsig' }),
      expect.objectContaining({ type: 'reasoning', text: '', redacted: 'EmwKAhgBEgy' }),
      { type: 'text', text: 'Looking.' },
      { type: 'tool-call', id: 'toolu_01', name: 'Read', input: '{"path":"/a"}' },
    ]);
    expect(results?.content).toEqual([
      { type: 'tool-result', toolCallId: 'toolu_01', content: [{ type: 'text', text: 'file body' }] },
      {
        type: 'tool-result',
        toolCallId: 'toolu_02',
        isError: true,
        content: [
          { type: 'text', text: 'failed' },
          { type: 'file', mediaType: 'image/png', data: PNG },
        ],
      },
    ]);
    expect(request.unsupported.map((entry) => entry.feature)).toEqual([
      'messages[0].content[5].source.type=file',
      'messages[0].content[6].type=search_result',
      'messages[1].content[4].type=server_tool_use',
    ]);
  });

  it('reads thinking, effort, structured output and tool choice', () => {
    const read = (extra: Record<string, unknown>) =>
      anthropicTranslator.toCanonicalRequest({ messages: [], ...extra }, 'claude-opus-4-6', false);
    expect(read({ thinking: { type: 'enabled', budget_tokens: 4000 } }).reasoning).toEqual({
      enabled: true,
      budgetTokens: 4000,
      include: true,
    });
    expect(
      read({ thinking: { type: 'adaptive', display: 'omitted' }, output_config: { effort: 'low' } })
        .reasoning,
    ).toEqual({
      enabled: true,
      include: false,
      effort: 'low',
    });
    expect(read({ thinking: { type: 'disabled' } }).reasoning).toEqual({ enabled: false });
    expect(read({ output_config: { effort: 'max' } }).unsupported).toEqual([
      { feature: 'output_config.effort=max', value: 'max' },
    ]);
    expect(
      read({ output_config: { format: { type: 'json_schema', schema: { type: 'object' } } } }).responseFormat,
    ).toEqual({
      type: 'json',
      schema: { type: 'object' },
    });
    expect(read({ tool_choice: { type: 'any', disable_parallel_tool_use: true } })).toMatchObject({
      toolChoice: { type: 'required' },
      parallelToolCalls: false,
    });
    expect(read({ tool_choice: { type: 'tool', name: 'Read' } }).toolChoice).toEqual({
      type: 'tool',
      name: 'Read',
    });
  });

  it('refuses a body it cannot read with a 400 naming the field', () => {
    const read = (value: Record<string, unknown>) => () =>
      anthropicTranslator.toCanonicalRequest(value, 'm', false);
    expect(refusal(read({})).feature).toBe('messages');
    expect(refusal(read({ messages: [{ role: 'robot', content: 'x' }] })).feature).toBe('messages[0].role');
    expect(refusal(read({ messages: [{ role: 'user', content: [{ type: 'text' }] }] })).feature).toBe(
      'messages[0].content[0].text',
    );
    expect(refusal(read({ messages: [], thinking: { type: 'enabled' } })).feature).toBe(
      'thinking.budget_tokens',
    );
    expect(refusal(read({ messages: [], temperature: 'hot' })).feature).toBe('temperature');
  });
});

describe('Anthropic request round trip', () => {
  const original = {
    model: 'claude-sonnet-4-5-20250929',
    max_tokens: 8000,
    system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral', ttl: '1h' } }],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
          { type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' }, title: 'A' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'I should read the file.', signature: 'EqQBCkYIBxgCKkB' },
          { type: 'tool_use', id: 'toolu_01A', name: 'read_file', input: { path: '/tmp/a' } },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'toolu_01A',
            content: [{ type: 'text', text: 'contents' }],
            is_error: true,
          },
          { type: 'text', text: 'Go on.', cache_control: { type: 'ephemeral' } },
        ],
      },
    ],
    tools: [
      {
        name: 'read_file',
        description: 'Reads a file',
        input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
        cache_control: { type: 'ephemeral' },
      },
      { type: 'web_search_20250305', name: 'web_search', max_uses: 2 },
    ],
    tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    thinking: { type: 'enabled', budget_tokens: 2048 },
    stop_sequences: ['END'],
    metadata: { user_id: 'user-7' },
    service_tier: 'standard_only',
    cache_control: { type: 'ephemeral' },
    stream: true,
  };

  it('renders what it read, field for field', () => {
    const request = anthropicTranslator.toCanonicalRequest(original, original.model, true);
    expect(request.unsupported).toEqual([]);
    expect(anthropicTranslator.fromCanonicalRequest(request, original.model)).toEqual(original);
  });

  it('reads back what it rendered from another format’s request', () => {
    const request = canonical({
      system: [{ type: 'text', text: 'System.' }],
      messages: [
        userSays('Weather in Oslo?'),
        {
          role: 'assistant',
          content: [{ type: 'tool-call', id: 'call_1', name: 'get_weather', input: '{"city":"Oslo"}' }],
        },
        {
          role: 'user',
          content: [{ type: 'tool-result', toolCallId: 'call_1', content: [{ type: 'text', text: '3°C' }] }],
        },
      ],
      tools: [{ type: 'function', name: 'get_weather', inputSchema: { type: 'object', properties: {} } }],
      toolChoice: { type: 'auto' },
      maxOutputTokens: 500,
      temperature: 0.2,
      topP: 0.9,
      stopSequences: ['\n\n'],
      user: 'u-1',
    });
    const body = render(request);
    const back = anthropicTranslator.toCanonicalRequest(body, 'claude-sonnet-4-5-20250929', false);
    expect(back).toEqual({
      ...request,
      model: 'claude-sonnet-4-5-20250929',
      tools: [expect.objectContaining(request.tools[0])],
    });
  });
});

describe('canonical → Anthropic request: the API’s rules', () => {
  it('opens with a user turn, merges turns of one role and puts tool results first', () => {
    const body = render(
      canonical({
        messages: [
          { role: 'assistant', content: [{ type: 'text', text: 'Hello, how can I help?' }] },
          {
            role: 'assistant',
            content: [{ type: 'tool-call', id: 'call.1:a', name: 'lookup', input: '{}' }],
          },
          userSays('also this'),
          {
            role: 'user',
            content: [{ type: 'tool-result', toolCallId: 'call.1:a', content: [{ type: 'text', text: '' }] }],
          },
          { role: 'user', content: [{ type: 'text', text: '' }] },
        ],
        tools: [{ type: 'function', name: 'lookup', inputSchema: {} }],
      }),
    );
    const messages = body.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>;
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(messages[0]?.content).toEqual([{ type: 'text', text: '.' }]);
    expect(messages[1]?.content.map((block) => block.type)).toEqual(['text', 'tool_use']);
    const callId = messages[1]?.content[1]?.id;
    expect(callId).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect(messages[2]?.content).toEqual([
      { type: 'tool_result', tool_use_id: callId },
      { type: 'text', text: 'also this' },
    ]);
    expect(body.tools).toEqual([{ name: 'lookup', input_schema: { type: 'object' } }]);
  });

  it('ends a prefilled answer without the trailing white space the API refuses', () => {
    const prefill = (text: string) =>
      render(
        canonical({ messages: [userSays('list'), { role: 'assistant', content: [{ type: 'text', text }] }] }),
      ).messages as Array<{ role: string; content: unknown[] }>;
    expect(prefill('1. apples\n')[1]?.content).toEqual([{ type: 'text', text: '1. apples' }]);
    expect(prefill('  \n').map((message) => message.role)).toEqual(['user']);
  });

  it('sends signed reasoning back as thinking, redacted as redacted, and leaves unsigned reasoning out', () => {
    const body = render(
      canonical({
        messages: [
          userSays('hi'),
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'from another provider' },
              { type: 'reasoning', text: 'signed', signature: 'EqsSig' },
              { type: 'reasoning', text: '', redacted: 'EmwData' },
              { type: 'text', text: 'Hi!' },
            ],
          },
          userSays('thanks'),
        ],
      }),
    );
    const messages = body.messages as Array<{ content: unknown[] }>;
    expect(messages[1]?.content).toEqual([
      { type: 'thinking', thinking: 'signed', signature: 'EqsSig' },
      { type: 'redacted_thinking', data: 'EmwData' },
      { type: 'text', text: 'Hi!' },
    ]);
  });

  it('renders files the API reads and refuses the others by name', () => {
    const userFile = (file: Record<string, unknown>) =>
      canonical({
        messages: [{ role: 'user', content: [{ type: 'file', mediaType: 'image/png', ...file }] }],
      });
    const firstBlock = (request: CanonicalRequest) =>
      (render(request).messages as Array<{ content: unknown[] }>)[0]?.content[0];
    expect(firstBlock(userFile({ mediaType: 'image/jpeg', url: `data:image/png;base64,${PNG}` }))).toEqual({
      type: 'image',
      source: { type: 'base64', media_type: 'image/png', data: PNG },
    });
    expect(firstBlock(userFile({ mediaType: 'image/*', data: PNG }))).toMatchObject({
      source: { media_type: 'image/png' },
    });
    expect(
      firstBlock(userFile({ mediaType: 'text/plain', data: Buffer.from('notes').toString('base64') })),
    ).toEqual({
      type: 'document',
      source: { type: 'text', media_type: 'text/plain', data: 'notes' },
    });
    expect(firstBlock(userFile({ mediaType: 'application/pdf', url: 'https://example.com/x.pdf' }))).toEqual({
      type: 'document',
      source: { type: 'url', url: 'https://example.com/x.pdf' },
    });
    expect(refusal(() => render(userFile({ mediaType: 'image/heic', data: 'AAAA' }))).feature).toContain(
      'image/heic',
    );
    expect(refusal(() => render(userFile({ data: 'A'.repeat(5 * 1024 * 1024 + 4) }))).feature).toContain(
      'larger than 5 MB',
    );
    expect(
      refusal(() => render(userFile({ mediaType: 'application/zip', data: 'UEsDBA==' }))).feature,
    ).toContain('application/zip');
    expect(
      refusal(() => render(userFile({ mediaType: 'text/plain', url: 'https://example.com/a.txt' }))).feature,
    ).toContain('text document by URL');
    const assistantImage = canonical({
      messages: [
        userSays('x'),
        { role: 'assistant', content: [{ type: 'file', mediaType: 'image/png', data: PNG }] },
      ],
    });
    expect(refusal(() => render(assistantImage)).feature).toContain('assistant message');
  });

  it('chooses max_tokens by model when the client set none', () => {
    const request = canonical({ messages: [userSays('hi')] });
    expect(render(request, 'claude-3-haiku-20240307').max_tokens).toBe(4096);
    expect(render(request, 'claude-3-5-sonnet-20241022').max_tokens).toBe(8192);
    expect(render(request, 'claude-sonnet-4-5-20250929').max_tokens).toBe(32000);
    expect(render({ ...request, maxOutputTokens: 77 }).max_tokens).toBe(77);
  });

  it('renders thinking in the form each model takes, within the budget rules', () => {
    const thinking = (reasoning: CanonicalRequest['reasoning'], model: string, maxOutputTokens = 4000) => {
      const body = render(canonical({ messages: [userSays('think')], reasoning, maxOutputTokens }), model);
      return { thinking: body.thinking, output_config: body.output_config };
    };
    expect(thinking({ enabled: true, budgetTokens: 100 }, 'claude-sonnet-4-5')).toEqual({
      thinking: { type: 'enabled', budget_tokens: 1024 },
      output_config: undefined,
    });
    expect(thinking({ enabled: true, budgetTokens: 9000 }, 'claude-sonnet-4-5').thinking).toEqual({
      type: 'enabled',
      budget_tokens: 3999,
    });
    expect(thinking({ enabled: true, effort: 'high' }, 'claude-3-7-sonnet-20250219').thinking).toEqual({
      type: 'enabled',
      budget_tokens: 3200,
    });
    expect(thinking({ enabled: true, effort: 'high' }, 'claude-opus-4-6')).toEqual({
      thinking: { type: 'adaptive' },
      output_config: { effort: 'high' },
    });
    expect(thinking({ enabled: true, budgetTokens: 2000, include: false }, 'claude-opus-4-7')).toEqual({
      thinking: { type: 'adaptive', display: 'omitted' },
      output_config: undefined,
    });
    expect(thinking({ enabled: false }, 'claude-opus-4-7')).toEqual({
      thinking: undefined,
      output_config: undefined,
    });
    expect(thinking({ enabled: false }, 'claude-sonnet-4-5').thinking).toEqual({ type: 'disabled' });
    expect(refusal(() => thinking({ enabled: true }, 'claude-sonnet-4-5', 1000)).feature).toBe('reasoning');
  });

  it('refuses sampling settings and forced tools that thinking does not take', () => {
    const withReasoning = (extra: Partial<CanonicalRequest>) =>
      canonical({ messages: [userSays('x')], reasoning: { enabled: true, budgetTokens: 2000 }, ...extra });
    expect(refusal(() => render(withReasoning({ temperature: 0.3 }))).feature).toContain('temperature');
    expect(refusal(() => render(withReasoning({ topK: 40 }))).feature).toContain('topK');
    expect(refusal(() => render(withReasoning({ topP: 0.5 }))).feature).toContain('topP');
    const tools: CanonicalRequest['tools'] = [
      { type: 'function', name: 'f', inputSchema: { type: 'object' } },
    ];
    expect(
      refusal(() => render(withReasoning({ tools, toolChoice: { type: 'required' } }))).feature,
    ).toContain('toolChoice=required');
    expect(render(withReasoning({ temperature: 1, topP: 0.95 }))).toMatchObject({
      temperature: 1,
      top_p: 0.95,
    });
  });

  it('leaves thinking out when the last tool turn has no signed thinking to continue from', () => {
    const body = render(
      canonical({
        messages: [
          userSays('weather?'),
          { role: 'assistant', content: [{ type: 'tool-call', id: 'call_1', name: 'w', input: '{}' }] },
          {
            role: 'user',
            content: [
              { type: 'tool-result', toolCallId: 'call_1', content: [{ type: 'text', text: 'sun' }] },
            ],
          },
        ],
        tools: [{ type: 'function', name: 'w', inputSchema: { type: 'object' } }],
        reasoning: { enabled: true, budgetTokens: 2000 },
        maxOutputTokens: 4000,
      }),
    );
    expect(body.thinking).toBeUndefined();
  });

  it('renders tools, web search and tool choice, and refuses what has no Anthropic form', () => {
    const body = render(
      canonical({
        messages: [userSays('x')],
        tools: [
          {
            type: 'function',
            name: 'f',
            description: 'F',
            inputSchema: { properties: { a: { type: 'string' } } },
            strict: true,
          },
          {
            type: 'provider',
            kind: 'web_search',
            raw: { type: 'web_search', filters: { allowed_domains: ['a.org'] } },
          },
        ],
        toolChoice: { type: 'tool', name: 'f' },
        parallelToolCalls: false,
      }),
    );
    expect(body.tools).toEqual([
      {
        name: 'f',
        description: 'F',
        input_schema: { type: 'object', properties: { a: { type: 'string' } } },
        strict: true,
      },
      { type: 'web_search_20250305', name: 'web_search', allowed_domains: ['a.org'] },
    ]);
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'f', disable_parallel_tool_use: true });
    const withTool = (tool: CanonicalRequest['tools'][number]) =>
      canonical({ messages: [userSays('x')], tools: [tool] });
    expect(
      refusal(() => render(withTool({ type: 'provider', kind: 'code_interpreter', raw: {} }))).feature,
    ).toContain('code_interpreter');
    expect(
      refusal(() => render(withTool({ type: 'function', name: 'ns.tool', inputSchema: {} }))).feature,
    ).toBe('tools[0].name=ns.tool');
    expect(
      refusal(() =>
        render(withTool({ type: 'function', name: 'u', inputSchema: { anyOf: [{ type: 'object' }] } })),
      ).feature,
    ).toBe('tools[0].inputSchema');
  });

  it('refuses what the Messages API has no field for, and renders structured output', () => {
    const base = canonical({ messages: [userSays('x')] });
    expect(refusal(() => render({ ...base, seed: 7 })).feature).toBe('seed');
    expect(refusal(() => render({ ...base, presencePenalty: 0.5 })).feature).toBe('presencePenalty');
    expect(refusal(() => render({ ...base, frequencyPenalty: 0.5 })).feature).toBe('frequencyPenalty');
    expect(refusal(() => render({ ...base, responseFormat: { type: 'json' } })).feature).toContain(
      'responseFormat',
    );
    const schema = { type: 'object', properties: { a: { type: 'number' } }, additionalProperties: false };
    expect(render({ ...base, responseFormat: { type: 'json', schema } }).output_config).toEqual({
      format: { type: 'json_schema', schema },
    });
    const brokenCall = canonical({
      messages: [
        userSays('x'),
        { role: 'assistant', content: [{ type: 'tool-call', id: 'c', name: 'f', input: '[1,' }] },
      ],
    });
    expect(refusal(() => render(brokenCall)).feature).toContain('not a JSON object');
  });
});

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

describe('canonical → Anthropic answers and streams, read by @anthropic-ai/sdk', () => {
  let server: Server;
  let client: Anthropic;
  let reply: { contentType: string; body: string } = { contentType: 'application/json', body: '{}' };

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': reply.contentType });
        response.end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new Anthropic({ apiKey: 'test-key', baseURL: `http://127.0.0.1:${port}`, maxRetries: 0 });
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const context: AnswerContext = {
    model: 'client-model',
    requestId: 'req_7f3a',
    clientQuery: '',
    created: 1_760_000_000,
    request: canonical({ messages: [userSays('hi')] }),
  };
  const params = {
    model: 'client-model',
    max_tokens: 1024,
    messages: [{ role: 'user' as const, content: 'hi' }],
  };

  function streamOf(parts: readonly StreamPart[][], finish: 'end' | 'none' = 'end'): string {
    const encoder = anthropicTranslator.encodeStream(context);
    return parts.map((batch) => encoder.write(batch)).join('') + (finish === 'end' ? encoder.end() : '');
  }

  function serveStream(text: string): void {
    reply = { contentType: anthropicTranslator.streamContentType(''), body: text };
  }

  it.each(WITH_BODY)('the %s answer, complete', async (scenario) => {
    const response = anthropicTranslator.toCanonicalResponse(body(scenario));
    reply = {
      contentType: 'application/json',
      body: JSON.stringify(anthropicTranslator.fromCanonicalResponse(response, context)),
    };
    const message = await client.messages.create(params);
    const want = expected(scenario);
    expect(message.model).toBe('client-model');
    expect(message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('')).toBe(
      want.text,
    );
    expect(
      message.content.flatMap((block) => (block.type === 'thinking' ? [block.thinking] : [])).join(''),
    ).toBe(want.reasoning);
    expect(
      message.content.flatMap((block) =>
        block.type === 'tool_use' ? [{ name: block.name, input: block.input }] : [],
      ),
    ).toEqual(want.toolCalls.map((call) => ({ name: call.name, input: JSON.parse(call.arguments) })));
    expect(message.stop_reason).toBe(body(scenario).stop_reason);
    expect(message.usage).toMatchObject({
      input_tokens: want.usage.input,
      output_tokens: want.usage.output,
      cache_read_input_tokens: want.usage.cacheRead,
      cache_creation_input_tokens: want.usage.cacheWrite5m + want.usage.cacheWrite1h,
      cache_creation: {
        ephemeral_5m_input_tokens: want.usage.cacheWrite5m,
        ephemeral_1h_input_tokens: want.usage.cacheWrite1h,
      },
    });
  });

  it.each(WITH_BODY)('the %s stream, re-encoded', async (scenario) => {
    serveStream(streamOf([decode([wire(scenario)])]));
    const stream = client.messages.stream(params);
    const deltas: string[] = [];
    stream.on('text', (text) => deltas.push(text));
    const message = await stream.finalMessage();
    const want = expected(scenario);
    expect(deltas.join('')).toBe(want.text);
    expect(message.content.flatMap((block) => (block.type === 'thinking' ? [block.signature] : []))).toEqual(
      want.signature ? [want.signature] : [],
    );
    expect(
      message.content.flatMap((block) =>
        block.type === 'tool_use' ? [{ name: block.name, input: block.input }] : [],
      ),
    ).toEqual(want.toolCalls.map((call) => ({ name: call.name, input: JSON.parse(call.arguments) })));
    expect(message.stop_reason).toBe(body(scenario).stop_reason);
    expect(message.usage).toMatchObject({
      input_tokens: want.usage.input,
      output_tokens: want.usage.output,
      cache_read_input_tokens: want.usage.cacheRead,
      cache_creation_input_tokens: want.usage.cacheWrite5m + want.usage.cacheWrite1h,
    });
  });

  it('serialises interleaved parallel tool calls, with usage after the finish', async () => {
    const usage = usageOf({ inputNoCache: 40, cacheRead: 8, outputText: 25, outputReasoning: 5 }, undefined);
    serveStream(
      streamOf([
        [{ type: 'start', id: 'chatcmpl-9', model: 'gpt-x' }],
        [
          { type: 'reasoning-start', id: 'r' },
          { type: 'reasoning-delta', id: 'r', delta: 'two lookups' },
          { type: 'reasoning-end', id: 'r' },
          { type: 'text-start', id: 't' },
          { type: 'text-delta', id: 't', delta: 'Checking.' },
          { type: 'tool-call-start', id: 'call_a', name: 'get_weather' },
          { type: 'tool-call-start', id: 'fc:b/1', name: 'get_time' },
          { type: 'tool-call-delta', id: 'call_a', delta: '{"city":' },
          { type: 'tool-call-delta', id: 'fc:b/1', delta: '{"zone":"UTC"}' },
          { type: 'tool-call-delta', id: 'call_a', delta: '"Oslo"}' },
          { type: 'text-end', id: 't' },
          { type: 'tool-call-end', id: 'fc:b/1' },
          { type: 'tool-call-end', id: 'call_a' },
        ],
        [{ type: 'finish', reason: { unified: 'tool-calls', raw: 'tool_calls' } }],
        [{ type: 'usage', usage }],
      ]),
    );
    const message = await client.messages.stream(params).finalMessage();
    // Anthropic's clients know message ids by their prefix.
    expect(message.id).toBe('msg_chatcmpl-9');
    expect(message.content.map((block) => block.type)).toEqual(['thinking', 'text', 'tool_use', 'tool_use']);
    const calls = message.content.flatMap((block) => (block.type === 'tool_use' ? [block] : []));
    expect(calls.map((call) => [call.name, call.input])).toEqual([
      ['get_weather', { city: 'Oslo' }],
      ['get_time', { zone: 'UTC' }],
    ]);
    expect(calls[0]?.id).toBe('call_a');
    expect(calls[1]?.id).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toMatchObject({ input_tokens: 40, cache_read_input_tokens: 8, output_tokens: 30 });
    expect(message.usage.output_tokens_details).toEqual({ thinking_tokens: 5 });
  });

  it('closes blocks still open when the stream ends', async () => {
    serveStream(
      streamOf([
        [
          { type: 'start', id: undefined, model: undefined },
          { type: 'text-start', id: 't' },
          { type: 'text-delta', id: 't', delta: 'cut short' },
          { type: 'tool-call-start', id: 'c', name: 'f' },
          { type: 'tool-call-delta', id: 'c', delta: '{"a":1}' },
          { type: 'finish', reason: { unified: 'length', raw: 'MAX_TOKENS' } },
        ],
      ]),
    );
    const message = await client.messages.stream(params).finalMessage();
    expect(message.id).toBe('msg_req_7f3a');
    expect(message.content).toMatchObject([
      { type: 'text', text: 'cut short' },
      { type: 'tool_use', name: 'f', input: { a: 1 } },
    ]);
    expect(message.stop_reason).toBe('max_tokens');
  });

  it('passes an upstream error mid-stream on as the format’s error event, and writes nothing after it', async () => {
    const encoder = anthropicTranslator.encodeStream(context);
    const parts = decode([wire('mid-stream-error')]);
    const text = encoder.write(parts);
    expect(encoder.write([{ type: 'text-delta', id: 'text-0', delta: 'late' }])).toBe('');
    expect(encoder.end()).toBe('');
    serveStream(text);
    const stream = client.messages.stream(params);
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    await expect(stream.finalMessage()).rejects.toMatchObject({
      error: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    });
    expect(deltas.join('')).toBe(expected('mid-stream-error').text);
  });

  it('fails with the relay’s own error in Anthropic’s shape, at any point', async () => {
    const encoder = anthropicTranslator.encodeStream(context);
    const head = encoder.write([
      { type: 'start', id: 'msg_x', model: 'm' },
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'partial' },
    ]);
    const failure = encoder.fail(new AppError('upstream_error', 'The upstream stopped answering'));
    expect(encoder.fail(new AppError('internal', 'again'))).toBe('');
    expect(encoder.end()).toBe('');
    serveStream(head + failure);
    await expect(client.messages.stream(params).finalMessage()).rejects.toMatchObject({
      error: { type: 'error', error: { message: 'The upstream stopped answering' }, request_id: 'req_7f3a' },
    });
  });

  it('renders a complete answer from another format’s parts', async () => {
    const response: CanonicalResponse = {
      id: undefined,
      model: 'gemini-x',
      content: [
        { type: 'reasoning', text: 'thought' },
        { type: 'text', text: 'Answer.' },
        { type: 'tool-call', id: 'call/1', name: 'f', input: '{"x":[1,2]}' },
      ],
      usage: usageOf({ inputNoCache: 5, cacheWrite5m: 2, outputText: 7 }, undefined),
      finish: { unified: 'tool-calls', raw: 'STOP' },
    };
    reply = {
      contentType: 'application/json',
      body: JSON.stringify(anthropicTranslator.fromCanonicalResponse(response, context)),
    };
    const message = await client.messages.create(params);
    expect(message.id).toBe('msg_req_7f3a');
    expect(message.content).toMatchObject([
      { type: 'thinking', thinking: 'thought' },
      { type: 'text', text: 'Answer.' },
      { type: 'tool_use', name: 'f', input: { x: [1, 2] } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toMatchObject({
      input_tokens: 5,
      cache_creation_input_tokens: 2,
      output_tokens: 7,
    });
  });
});
