// The Chat Completions translator's refusals: request fields recorded as unsupported, unreadable fields
// answered with a 400 naming them, and canonical requests Chat cannot carry refused by name.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import type { CanonicalRequest } from '../../src/relay/canonical/request.js';
import { chatTranslator } from '../../src/relay/translate/openai-chat/translator.js';
import { PNG } from '../support/translate/openai-chat.js';

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
