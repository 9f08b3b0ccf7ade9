// The Gemini translator rendering a canonical request for a Gemini upstream: foreign history and signatures,
// tools and tool choice, generationConfig and thinking per model family, and refusals naming what Gemini lacks.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import type { CanonicalMessage, CanonicalRequest } from '../../src/relay/canonical/request.js';
import { geminiTranslator } from '../../src/relay/translate/gemini/translator.js';
import { canonical } from '../support/translate/gemini.js';

const DUMMY_SIGNATURE = 'skip_thought_signature_validator';

function refusalOf(run: () => unknown): { feature: unknown; message: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.httpStatus).toBe(400);
    expect(appError.details?.reason).toBe('unsupported_feature');
    return { feature: appError.details?.feature, message: appError.message };
  }
  throw new Error('expected a refusal');
}

describe('rendering a request for a Gemini upstream', () => {
  const anthropicHistory: CanonicalMessage[] = [
    { role: 'user', content: [{ type: 'text', text: 'Weather in Lisbon and Porto?' }] },
    {
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'Two cities, two calls.', signature: 'anthropic-signature' },
        { type: 'reasoning', text: '', redacted: 'opaque' },
        { type: 'text', text: 'Checking both.' },
        { type: 'tool-call', id: 'toolu_01', name: 'get_weather', input: '{"city":"Lisbon"}' },
        { type: 'tool-call', id: 'toolu_02', name: 'get_weather', input: '{"city":"Porto"}' },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Here you go.' },
        { type: 'tool-result', toolCallId: 'toolu_01', content: [{ type: 'text', text: '{"temp":21}' }] },
        {
          type: 'tool-result',
          toolCallId: 'toolu_02',
          content: [
            { type: 'text', text: 'station offline' },
            { type: 'file', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
          ],
          isError: true,
        },
      ],
    },
    {
      role: 'user',
      content: [{ type: 'file', mediaType: 'application/pdf', url: 'https://example.com/a.pdf' }],
    },
  ];

  it('renders foreign history: dummy signature on the first call only, result names, merged turns', () => {
    const body = geminiTranslator.fromCanonicalRequest(
      canonical(anthropicHistory, { system: [{ type: 'text', text: 'Be brief.' }] }),
      'gemini-3-flash-preview',
    );
    expect(body).not.toHaveProperty('model');
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }] });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Lisbon and Porto?' }] },
      {
        role: 'model',
        parts: [
          { text: 'Two cities, two calls.', thought: true, thoughtSignature: 'anthropic-signature' },
          { text: 'Checking both.' },
          {
            functionCall: { id: 'toolu_01', name: 'get_weather', args: { city: 'Lisbon' } },
            thoughtSignature: DUMMY_SIGNATURE,
          },
          { functionCall: { id: 'toolu_02', name: 'get_weather', args: { city: 'Porto' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { id: 'toolu_01', name: 'get_weather', response: { temp: 21 } } },
          {
            functionResponse: { id: 'toolu_02', name: 'get_weather', response: { error: 'station offline' } },
          },
          { text: 'Here you go.' },
          { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
          { fileData: { mimeType: 'application/pdf', fileUri: 'https://example.com/a.pdf' } },
        ],
      },
    ]);
  });

  it('keeps a call’s own signature, and hangs a loose signature on the text it came with', () => {
    const body = geminiTranslator.fromCanonicalRequest(
      canonical([
        { role: 'user', content: [{ type: 'text', text: 'hi' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Hello' },
            { type: 'reasoning', text: '', signature: 'trailing-sig' },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'list' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: '', signature: 'leading-sig' },
            { type: 'text', text: 'Listing.' },
            { type: 'tool-call', id: 'c1', name: 'ls', input: '', signature: 'call-sig' },
          ],
        },
      ]),
      'gemini-3-pro-preview',
    );
    const contents = body.contents as { parts: unknown[] }[];
    expect(contents[1]?.parts).toEqual([{ text: 'Hello', thoughtSignature: 'trailing-sig' }]);
    expect(contents[3]?.parts).toEqual([
      { text: 'Listing.', thoughtSignature: 'leading-sig' },
      { functionCall: { id: 'c1', name: 'ls', args: {} }, thoughtSignature: 'call-sig' },
    ]);
  });

  it('sends no signature Google could not read as base64: a call gets the dummy instead', () => {
    const body = geminiTranslator.fromCanonicalRequest(
      canonical([
        { role: 'user', content: [{ type: 'text', text: 'hi' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Thinking.', signature: 'msg_01.abc' },
            { type: 'tool-call', id: 'c1', name: 'ls', input: '{}', signature: 'not base64!' },
          ],
        },
      ]),
      'gemini-3-flash-preview',
    );
    expect((body.contents as { parts: unknown[] }[])[1]?.parts).toEqual([
      { text: 'Thinking.', thought: true },
      { functionCall: { id: 'c1', name: 'ls', args: {} }, thoughtSignature: DUMMY_SIGNATURE },
    ]);
  });

  it('renders tools as parametersJsonSchema untouched, web search as googleSearch, and tool choices', () => {
    const schema = {
      type: 'object',
      properties: {
        when: { oneOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] },
        extra: { $ref: '#/$defs/x' },
      },
      $defs: { x: { type: 'integer', minimum: 1 } },
      additionalProperties: false,
    };
    const tools: CanonicalRequest['tools'] = [
      { type: 'function', name: 'schedule', description: 'Schedules it.', inputSchema: schema },
      { type: 'provider', kind: 'web_search', raw: { type: 'web_search_20250305', name: 'web_search' } },
    ];
    const render = (extra: Partial<CanonicalRequest>) =>
      geminiTranslator.fromCanonicalRequest(canonical([], { tools, ...extra }), 'gemini-2.5-flash');
    expect(render({}).tools).toEqual([
      {
        functionDeclarations: [
          { name: 'schedule', description: 'Schedules it.', parametersJsonSchema: schema },
        ],
      },
      { googleSearch: {} },
    ]);
    expect(render({}).toolConfig).toBeUndefined();
    expect(render({ toolChoice: { type: 'auto' } }).toolConfig).toEqual({
      functionCallingConfig: { mode: 'AUTO' },
    });
    expect(render({ toolChoice: { type: 'none' } }).toolConfig).toEqual({
      functionCallingConfig: { mode: 'NONE' },
    });
    expect(render({ toolChoice: { type: 'required' } }).toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY' },
    });
    expect(render({ toolChoice: { type: 'tool', name: 'schedule' } }).toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['schedule'] },
    });
    const strict = geminiTranslator.fromCanonicalRequest(
      canonical([], { tools: [{ type: 'function', name: 'schedule', inputSchema: schema, strict: true }] }),
      'gemini-2.5-flash',
    );
    expect(strict.toolConfig).toEqual({ functionCallingConfig: { mode: 'VALIDATED' } });
  });

  it('renders sampling, JSON output and safety hints into generationConfig', () => {
    const body = geminiTranslator.fromCanonicalRequest(
      canonical([{ role: 'user', content: [{ type: 'text', text: 'x' }] }], {
        maxOutputTokens: 512,
        temperature: 0.2,
        topP: 0.9,
        topK: 40,
        stopSequences: ['END'],
        seed: 7,
        presencePenalty: 0.1,
        frequencyPenalty: 0.2,
        responseFormat: { type: 'json', schema: { type: 'object', properties: { a: { type: 'string' } } } },
        hints: { safetySettings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_ONLY_HIGH' }] },
      }),
      'gemini-2.5-flash',
    );
    expect(body.generationConfig).toEqual({
      maxOutputTokens: 512,
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      stopSequences: ['END'],
      seed: 7,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      responseMimeType: 'application/json',
      responseJsonSchema: { type: 'object', properties: { a: { type: 'string' } } },
    });
    expect(body.safetySettings).toEqual([
      { category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_ONLY_HIGH' },
    ]);
  });

  it("renders thinking within each model family's rules", () => {
    const thinking = (reasoning: CanonicalRequest['reasoning'], model: string) =>
      (
        geminiTranslator.fromCanonicalRequest(canonical([], { reasoning }), model).generationConfig as Record<
          string,
          unknown
        >
      ).thinkingConfig;
    expect(thinking({ enabled: false }, 'gemini-2.5-flash')).toEqual({ thinkingBudget: 0 });
    expect(thinking({ enabled: false }, 'gemini-2.5-pro')).toEqual({ thinkingBudget: 128 });
    expect(thinking({ enabled: false }, 'gemini-3-flash-preview')).toEqual({ thinkingLevel: 'MINIMAL' });
    expect(thinking({ enabled: false }, 'gemini-3-pro-preview')).toEqual({ thinkingLevel: 'LOW' });
    expect(thinking({ enabled: true, budgetTokens: 64_000, include: true }, 'gemini-2.5-flash')).toEqual({
      thinkingBudget: 24_576,
      includeThoughts: true,
    });
    expect(thinking({ enabled: true, budgetTokens: 50 }, 'gemini-2.5-flash-lite')).toEqual({
      thinkingBudget: 512,
    });
    expect(thinking({ enabled: true, effort: 'medium' }, 'gemini-2.5-flash')).toEqual({
      thinkingBudget: 8192,
    });
    expect(thinking({ enabled: true, effort: 'high' }, 'gemini-3-pro-preview')).toEqual({
      thinkingLevel: 'HIGH',
    });
    expect(thinking({ enabled: true, effort: 'minimal' }, 'gemini-3-pro-preview')).toEqual({
      thinkingLevel: 'LOW',
    });
  });

  it('refuses, naming it, what Gemini cannot express', () => {
    const user = (content: CanonicalMessage['content']): CanonicalMessage[] =>
      [{ role: 'user', content }] as CanonicalMessage[];
    const render = (request: CanonicalRequest) => () =>
      geminiTranslator.fromCanonicalRequest(request, 'gemini-2.5-flash');
    expect(
      refusalOf(render(canonical([], { tools: [{ type: 'provider', kind: 'code_interpreter', raw: {} }] })))
        .feature,
    ).toMatch(/code_interpreter/);
    expect(
      refusalOf(render(canonical(user([{ type: 'file', mediaType: 'image/gif', data: 'R0lGOD' }])))).feature,
    ).toMatch(/messages\[0\]\.content\[0\].*image\/gif/);
    expect(
      refusalOf(render(canonical(user([{ type: 'file', mediaType: 'image/png', url: 'ftp://host/a.png' }]))))
        .feature,
    ).toMatch(/ftp:/);
    expect(
      refusalOf(render(canonical([], { stopSequences: ['1', '2', '3', '4', '5', '6'] }))).feature,
    ).toMatch(/stop/);
    expect(
      refusalOf(render(canonical([], { tools: [{ type: 'function', name: '1bad name', inputSchema: {} }] })))
        .feature,
    ).toMatch(/1bad name/);
    expect(
      refusalOf(render(canonical(user([{ type: 'tool-result', toolCallId: 'gone', content: [] }])))).feature,
    ).toMatch(/gone/);
    expect(
      refusalOf(
        render(
          canonical([
            { role: 'assistant', content: [{ type: 'tool-call', id: 'c', name: 'f', input: '[1,2]' }] },
          ]),
        ),
      ).feature,
    ).toMatch(/messages\[0\]\.content\[0\]\.input/);
    const bigPdf = 'A'.repeat(70 * 1024 * 1024);
    expect(
      refusalOf(render(canonical(user([{ type: 'file', mediaType: 'application/pdf', data: bigPdf }]))))
        .feature,
    ).toMatch(/PDF over 50 MB/);
  });

  it('turns a data: URL into inline bytes', () => {
    const body = geminiTranslator.fromCanonicalRequest(
      canonical([
        {
          role: 'user',
          content: [{ type: 'file', mediaType: 'image/jpeg', url: 'data:image/jpeg;base64,/9j/4A==' }],
        },
      ]),
      'gemini-2.5-flash',
    );
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ inlineData: { mimeType: 'image/jpeg', data: '/9j/4A==' } }] },
    ]);
  });
});
