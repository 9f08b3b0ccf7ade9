// The Chat Completions translator's requests: a Chat request read into the canonical model and rendered back
// field for field, the older spellings, and another format's conversation rendered as Chat requires it.
import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../../src/relay/canonical/request.js';
import { chatTranslator } from '../../src/relay/translate/openai-chat/translator.js';
import { PNG } from '../support/translate/openai-chat.js';

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
