// The Gemini translator reading a Gemini client's request (Gemini CLI's recorded ones among them) into the
// canonical model: history, signatures, tools and schemas, thinking, hints, and what it records or refuses.
import { describe, expect, it } from 'vitest';
import { geminiTranslator } from '../../src/relay/translate/gemini/translator.js';
import { recorded } from '../support/translate/gemini.js';

describe('reading a Gemini client request', () => {
  it("reads Gemini CLI's tool follow-up: history, signature, function response, tools, thinking", () => {
    const body = recorded('cli-tool-followup-request.json');
    const request = geminiTranslator.toCanonicalRequest(body, 'gemini-3.8-flash', true);
    expect(request.model).toBe('gemini-3.8-flash');
    expect(request.stream).toBe(true);
    expect(request.unsupported).toEqual([]);
    expect(request.hints).toEqual({});
    expect(request.system).toHaveLength(1);
    expect(request.system[0]?.text).toMatch(/^You are Gemini CLI/);
    expect(request.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(request.messages[1]?.content).toEqual([
      expect.objectContaining({
        type: 'tool-call',
        id: 'list_directory_1796419552555_0',
        name: 'list_directory',
        input: '{"dir_path":"/tmp/gemini-cli/work"}',
        signature: 'CiQB0e2KbgbdIA4TVbRnKSBtnlWd48CmjSLNjN/Kg',
      }),
    ]);
    expect(request.messages[2]?.content).toEqual([
      expect.objectContaining({
        type: 'tool-result',
        toolCallId: 'list_directory_1796419552555_0',
        name: 'list_directory',
        content: [
          { type: 'text', text: expect.stringMatching(/^Directory listing for \/tmp\/gemini-cli\/work:/) },
        ],
      }),
    ]);
    expect(request.tools).toHaveLength(8);
    const listDirectory = request.tools.find(
      (tool) => tool.type === 'function' && tool.name === 'list_directory',
    );
    expect(listDirectory).toMatchObject({
      inputSchema: { type: 'object', properties: { dir_path: { type: 'string' } } },
    });
    expect(request.temperature).toBe(1);
    expect(request.topP).toBe(0.95);
    expect(request.topK).toBe(64);
    expect(request.reasoning).toEqual({ enabled: true, effort: 'high', include: true });
  });

  it('round-trips Gemini CLI requests to the same body, with no model in it', () => {
    for (const name of [
      'cli-stream-request.json',
      'cli-tool-request.json',
      'cli-tool-followup-request.json',
      'cli-tool-followup-no-signature-request.json',
      'cli-tool-followup-server-id-request.json',
    ]) {
      const body = recorded(name);
      const request = geminiTranslator.toCanonicalRequest(body, 'gemini-3.8-flash', true);
      const rendered = geminiTranslator.fromCanonicalRequest(request, 'gemini-3.8-flash');
      // The CLI gives its system instruction a role, which Google ignores; the rendering sends none.
      const { role: _role, ...system } = body.systemInstruction as Record<string, unknown>;
      expect(rendered, name).toEqual({ ...body, systemInstruction: system });
      expect(rendered).not.toHaveProperty('model');
    }
  });

  it("reads the router's JSON output schema, upper-case Google types as JSON Schema", () => {
    const request = geminiTranslator.toCanonicalRequest(
      recorded('cli-router-request.json'),
      'gemini-3.5-flash-lite',
      false,
    );
    expect(request.responseFormat).toEqual({
      type: 'json',
      schema: {
        type: 'object',
        properties: {
          complexity_reasoning: { type: 'string', description: 'Brief explanation for the score.' },
          complexity_score: { type: 'integer', description: 'Complexity score from 1-100.' },
        },
        required: ['complexity_reasoning', 'complexity_score'],
      },
    });
  });

  it('converts OpenAPI-subset `parameters` (upper-case types, nullable) to JSON Schema, leaving enum values alone', () => {
    const request = geminiTranslator.toCanonicalRequest(
      {
        contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
        tools: [
          {
            functionDeclarations: [
              {
                name: 'set_mode',
                parameters: {
                  type: 'OBJECT',
                  properties: {
                    mode: { type: 'STRING', enum: ['OBJECT', 'ARRAY'], nullable: true },
                    tags: { type: 'ARRAY', items: { type: 'STRING' } },
                  },
                  required: ['mode'],
                },
              },
              { name: 'ping' },
            ],
          },
        ],
      },
      'gemini-2.5-flash',
      false,
    );
    expect(request.tools).toEqual([
      expect.objectContaining({
        name: 'set_mode',
        inputSchema: {
          type: 'object',
          properties: {
            mode: { type: ['string', 'null'], enum: ['OBJECT', 'ARRAY'] },
            tags: { type: 'array', items: { type: 'string' } },
          },
          required: ['mode'],
        },
      }),
      expect.objectContaining({ name: 'ping', inputSchema: { type: 'object', properties: {} } }),
    ]);
  });

  it('pairs a function response without an id with the earliest unanswered call of its name', () => {
    const request = geminiTranslator.toCanonicalRequest(
      {
        contents: [
          { role: 'user', parts: [{ text: 'weather?' }] },
          {
            role: 'model',
            parts: [
              { functionCall: { name: 'get_weather', args: { city: 'Lisbon' } } },
              { functionCall: { name: 'get_weather', args: { city: 'Porto' } } },
            ],
          },
          {
            role: 'user',
            parts: [
              { functionResponse: { name: 'get_weather', response: { output: '21C' } } },
              { functionResponse: { name: 'get_weather', response: { error: 'no station' } } },
            ],
          },
        ],
      },
      'gemini-2.5-flash',
      false,
    );
    const calls = request.messages[1]?.content.map((part) => part.type === 'tool-call' && part.id);
    expect(calls).toEqual(['call_1_0', 'call_1_1']);
    expect(request.messages[2]?.content).toEqual([
      expect.objectContaining({ toolCallId: 'call_1_0', content: [{ type: 'text', text: '21C' }] }),
      expect.objectContaining({
        toolCallId: 'call_1_1',
        content: [{ type: 'text', text: 'no station' }],
        isError: true,
      }),
    ]);
  });

  it('reads thinking budgets: 0 is off, -1 is the model’s choice, n is a budget', () => {
    const reasoning = (thinkingConfig: Record<string, unknown>) =>
      geminiTranslator.toCanonicalRequest(
        { contents: [], generationConfig: { thinkingConfig } },
        'gemini-2.5-flash',
        false,
      ).reasoning;
    expect(reasoning({ thinkingBudget: 0 })).toEqual({ enabled: false });
    expect(reasoning({ thinkingBudget: -1, includeThoughts: true })).toEqual({
      enabled: true,
      include: true,
    });
    expect(reasoning({ thinkingBudget: 2048 })).toEqual({ enabled: true, budgetTokens: 2048 });
    expect(reasoning({ thinkingLevel: 'LOW' })).toEqual({ enabled: true, effort: 'low' });
  });

  it('keeps serving-only fields as hints and names what no other format can do', () => {
    const request = geminiTranslator.toCanonicalRequest(
      {
        contents: [
          {
            role: 'user',
            parts: [
              { text: 'run it' },
              { executableCode: { language: 'PYTHON', code: 'print(1)' } },
              {
                fileData: { mimeType: 'video/mp4', fileUri: 'https://example.com/v.mp4' },
                videoMetadata: { startOffset: '10s' },
              },
            ],
          },
        ],
        tools: [{ codeExecution: {} }, { googleSearch: {} }, { urlContext: {} }],
        toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['a', 'b'] } },
        generationConfig: {
          candidateCount: 2,
          responseModalities: ['TEXT', 'IMAGE'],
          responseMimeType: 'text/x.enum',
          responseLogprobs: false,
          mediaResolution: 'MEDIA_RESOLUTION_LOW',
        },
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
        labels: { team: 'search' },
        cachedContent: 'cachedContents/abc',
      },
      'gemini-2.5-flash',
      false,
    );
    expect(request.unsupported.map((feature) => feature.feature).sort()).toEqual(
      [
        'cachedContent',
        'contents[0].parts[1].executableCode',
        'contents[0].parts[2].videoMetadata',
        'generationConfig.candidateCount',
        'generationConfig.responseMimeType',
        'generationConfig.responseModalities',
        'toolConfig.functionCallingConfig.allowedFunctionNames',
        'tools[0].codeExecution',
        'tools[2].urlContext',
      ].sort(),
    );
    expect(request.tools).toEqual([{ type: 'provider', kind: 'web_search', raw: { googleSearch: {} } }]);
    expect(request.toolChoice).toEqual({ type: 'required' });
    expect(request.hints).toEqual({
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      labels: { team: 'search' },
      'generationConfig.mediaResolution': 'MEDIA_RESOLUTION_LOW',
    });
  });

  it('reads ANY with one allowed name as that tool, VALIDATED as strict tools', () => {
    const read = (functionCallingConfig: Record<string, unknown>) =>
      geminiTranslator.toCanonicalRequest(
        {
          contents: [],
          tools: [{ functionDeclarations: [{ name: 'lookup' }] }],
          toolConfig: { functionCallingConfig },
        },
        'gemini-2.5-flash',
        false,
      );
    expect(read({ mode: 'ANY', allowedFunctionNames: ['lookup'] }).toolChoice).toEqual({
      type: 'tool',
      name: 'lookup',
    });
    expect(read({ mode: 'NONE' }).toolChoice).toEqual({ type: 'none' });
    const validated = read({ mode: 'VALIDATED' });
    expect(validated.toolChoice).toEqual({ type: 'auto' });
    expect(validated.tools[0]).toMatchObject({ strict: true });
  });

  it('answers 400 naming a field that cannot be read', () => {
    const read = (body: Record<string, unknown>) => () =>
      geminiTranslator.toCanonicalRequest(body, 'g', false);
    expect(read({ contents: [{ role: 'system', parts: [{ text: 'x' }] }] })).toThrow(/contents\[0\]\.role/);
    expect(read({ contents: [{ role: 'user', parts: [{ functionCall: { name: 'x' } }] }] })).toThrow(
      /contents\[0\]\.parts\[0\]\.functionCall/,
    );
    expect(read({ contents: [{ role: 'model', parts: [{ functionCall: { args: {} } }] }] })).toThrow(
      /contents\[0\]\.parts\[0\]\.functionCall\.name/,
    );
    expect(read({ contents: [], generationConfig: { temperature: 'hot' } })).toThrow(
      /generationConfig\.temperature/,
    );
  });
});
