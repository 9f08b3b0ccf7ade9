// The Anthropic Messages translator reading requests: an Anthropic client's request into the canonical model
// (what it keeps as hints, records as unsupported, or refuses with a 400), and the round trip back to Anthropic.
import { describe, expect, it } from 'vitest';
import { anthropicTranslator } from '../../src/relay/translate/anthropic/translator.js';
import { canonical, PNG, refusal, render, userSays } from '../support/translate/anthropic.js';

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
