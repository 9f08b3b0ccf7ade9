// The OpenAI Responses translator rendering a canonical request for an OpenAI upstream: what OpenAI accepts,
// the round trip through its own reader, and refusals naming what Responses cannot carry.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import type { CanonicalTool } from '../../src/relay/canonical/request.js';
import { responsesTranslator as translator } from '../../src/relay/translate/openai-responses/translator.js';
import { request } from '../support/translate/openai-responses.js';

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
