// The Anthropic Messages translator rendering a canonical request for an Anthropic upstream, by the API's
// rules: turn order and merging, thinking and its budget, files, tools, and refusals of what it cannot take.
import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../../src/relay/canonical/request.js';
import { canonical, PNG, refusal, render, userSays } from '../support/translate/anthropic.js';

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
