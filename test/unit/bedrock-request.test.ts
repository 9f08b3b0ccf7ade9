// Anthropic Messages body → Bedrock InvokeModel call, and Anthropic model names → Bedrock model ids.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import { bedrockModelId, toBedrockInvoke } from '../../src/relay/providers/bedrock/request.js';

const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';

function convert(json: string, options: { stream?: boolean; betas?: string[] } = {}) {
  const result = toBedrockInvoke(Buffer.from(json), {
    modelId: SONNET,
    stream: options.stream ?? false,
    betas: options.betas ?? [],
  });
  return { path: result.path, text: result.body.toString('utf8') };
}

describe('toBedrockInvoke', () => {
  it('moves model and stream out of the body and adds the Bedrock version', () => {
    const { path, text } = convert(
      '{"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"hi"}],"stream":true}',
      { stream: true },
    );
    expect(path).toBe('/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke-with-response-stream');
    expect(text).toBe(
      '{"anthropic_version":"bedrock-2023-05-31","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}',
    );
  });

  it('uses the invoke path for non-streaming calls and encodes ARNs whole', () => {
    expect(convert('{"max_tokens":1}').path).toBe(`/model/${encodeURIComponent(SONNET)}/invoke`);
    const arn =
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0';
    const result = toBedrockInvoke(Buffer.from('{}'), { modelId: arn, stream: false, betas: [] });
    expect(result.path).toBe(
      '/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke',
    );
  });

  it('adds betas as anthropic_beta and replaces any the client put in the body', () => {
    const { text } = convert(
      '{"anthropic_version":"2023-06-01","anthropic_beta":["x"],"model":"m","max_tokens":1}',
      { betas: ['context-1m-2025-08-07', ' interleaved-thinking-2025-05-14 ', ''] },
    );
    expect(text).toBe(
      '{"anthropic_version":"bedrock-2023-05-31","anthropic_beta":["context-1m-2025-08-07","interleaved-thinking-2025-05-14"],"max_tokens":1}',
    );
  });

  it('leaves nested model/stream keys and look-alike strings untouched, and drops duplicates and escaped names', () => {
    const json =
      '{ "messages" : [{"role":"user","content":[{"type":"text","text":"\\"model\\":\\"x\\",\\"stream\\":true"}],"model":"inner"}],\n' +
      '  "metadata": {"stream": false, "model": "m"}, "model": "a", "mod\\u0065l": "b", "stream" : false, "tools":[] }';
    const { text } = convert(json);
    expect(JSON.parse(text)).toEqual({
      anthropic_version: 'bedrock-2023-05-31',
      messages: [
        { role: 'user', content: [{ type: 'text', text: '"model":"x","stream":true' }], model: 'inner' },
      ],
      metadata: { stream: false, model: 'm' },
      tools: [],
    });
    // Kept members are copied byte for byte, spacing inside them included.
    expect(text).toContain('"messages" : [{"role":"user"');
    expect(text).toContain('"metadata": {"stream": false, "model": "m"}');
  });

  it('copies a 200 KB body without changing the bytes of its messages', () => {
    const messages = Array.from({ length: 400 }, (_, index) => ({
      role: index % 2 === 0 ? 'user' : 'assistant',
      content: [{ type: 'text', text: `é✓ ${'x'.repeat(480)} "model": "nope" ${index}` }],
      model: 'nested',
    }));
    const messagesJson = JSON.stringify(messages);
    const body = `{"model":"claude-sonnet-4-5","stream":true,"system":"be brief","messages":${messagesJson},"max_tokens":8}`;
    expect(body.length).toBeGreaterThan(200_000);
    const { text } = convert(body, { stream: true });
    expect(text).toBe(
      `{"anthropic_version":"bedrock-2023-05-31","system":"be brief","messages":${messagesJson},"max_tokens":8}`,
    );
  });

  it.each([
    ['an array', '[{"model":"x"}]'],
    ['a string', '"model"'],
    ['empty', ''],
    ['truncated', '{"model":"x","messages":[{"role":"user"'],
    ['followed by more JSON', '{"max_tokens":1} {"max_tokens":2}'],
    ['missing a colon', '{"model" "x"}'],
    ['missing a value', '{"model":}'],
  ])('rejects a body that is %s', (_name, json) => {
    const error = (() => {
      try {
        convert(json);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('invalid_request');
  });

  it('accepts an empty object and surrounding whitespace', () => {
    expect(convert(' \n{ }\n').text).toBe('{"anthropic_version":"bedrock-2023-05-31"}');
  });
});

describe('bedrockModelId', () => {
  it.each([
    ['claude-opus-4-1', 'anthropic.claude-opus-4-1-20250805-v1:0'],
    ['claude-opus-4-1-20250805', 'anthropic.claude-opus-4-1-20250805-v1:0'],
    ['claude-opus-4', 'anthropic.claude-opus-4-20250514-v1:0'],
    ['claude-opus-4-20250514', 'anthropic.claude-opus-4-20250514-v1:0'],
    ['claude-sonnet-4-5', SONNET],
    ['claude-sonnet-4-5-20250929', SONNET],
    ['claude-sonnet-4', 'anthropic.claude-sonnet-4-20250514-v1:0'],
    ['claude-sonnet-4-20250514', 'anthropic.claude-sonnet-4-20250514-v1:0'],
    ['claude-3-7-sonnet-20250219', 'anthropic.claude-3-7-sonnet-20250219-v1:0'],
    ['claude-3-7-sonnet-latest', 'anthropic.claude-3-7-sonnet-20250219-v1:0'],
    ['claude-haiku-4-5', 'anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['claude-haiku-4-5-20251001', 'anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['claude-3-5-haiku-20241022', 'anthropic.claude-3-5-haiku-20241022-v1:0'],
  ])('maps %s to %s', (model, id) => {
    expect(bedrockModelId(model)).toBe(id);
  });

  it.each([
    SONNET,
    'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123',
    'claude-sonnet-4-5-20991231',
    'claude-unknown-9',
    'gpt-4o',
  ])('passes %s through unchanged', (model) => {
    expect(bedrockModelId(model)).toBe(model);
  });
});
