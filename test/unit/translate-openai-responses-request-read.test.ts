// The OpenAI Responses translator reading requests: Codex's recorded request and the openai SDK's into the
// canonical model, conversations of every item kind, settings, and what it records as unsupported or refuses.
import { describe, expect, it } from 'vitest';
import { responsesTranslator as translator } from '../../src/relay/translate/openai-responses/translator.js';
import { codexRequest } from '../fixtures/openai-responses/codex-request.js';

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
