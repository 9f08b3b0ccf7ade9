import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import {
  capResponsesOutput,
  measureResponsesInput,
} from '../../src/relay/formats/openai-responses/budget.js';
import { parseResponsesRequest } from '../../src/relay/formats/openai-responses/request.js';
import { responsesSessionId } from '../../src/relay/formats/openai-responses/session.js';
import { ResponsesStreamTap } from '../../src/relay/formats/openai-responses/stream-tap.js';
import { responsesUsageFromBody } from '../../src/relay/formats/openai-responses/usage.js';
import { readOpenAIRateLimits } from '../../src/relay/upstream/openai-rate-limits.js';

const usage = {
  input_tokens: 1200,
  input_tokens_details: { cached_tokens: 1000 },
  output_tokens: 300,
  output_tokens_details: { reasoning_tokens: 120 },
  total_tokens: 1500,
};

function frame(type: string, sequence: number, fields: Record<string, unknown> = {}): Buffer {
  return Buffer.from(
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence, ...fields })}\n\n`,
  );
}

describe('Responses request parsing', () => {
  it('reads model, stream, max_output_tokens and prompt_cache_key, keeping every other field', () => {
    const info = parseResponsesRequest(
      Buffer.from(
        '{"model":"gpt-5","stream":true,"max_output_tokens":50,"prompt_cache_key":"k","store":false,' +
          '"tools":[{"type":"namespace","name":"n","tools":[]}],"input":[{"role":"developer","content":"x"}]}',
      ),
    );
    expect(info).toMatchObject({ model: 'gpt-5', stream: true, maxTokens: 50, promptCacheKey: 'k' });
    expect(info.body.store).toBe(false);
    expect(info.body.tools).toEqual([{ type: 'namespace', name: 'n', tools: [] }]);
    expect(parseResponsesRequest(Buffer.from('{"model":"m","max_output_tokens":null}')).maxTokens).toBe(
      undefined,
    );
  });

  it.each([
    ['', /empty/],
    ['{', /not valid JSON/],
    ['{"input":"hi"}', /^model:/],
    ['{"model":"m","stream":"yes"}', /^stream:/],
    ['{"model":"m","max_output_tokens":0}', /^max_output_tokens:/],
    ['{"model":"m","input":7}', /^input:/],
  ])('refuses %j with a 400 naming the field', (body, message) => {
    expect(() => parseResponsesRequest(Buffer.from(body))).toThrow(message);
  });
});

describe('Responses session identity', () => {
  const raw = Buffer.from(
    '{"model":"m","prompt_cache_key":"cache-1","input":[{"role":"user","content":"a"}]}',
  );
  const info = parseResponsesRequest(raw);
  it('prefers Codex session-id, then prompt_cache_key, then the prefix hash', () => {
    expect(responsesSessionId({ 'session-id': 'abc-1' }, info, raw)).toBe('abc-1');
    expect(responsesSessionId({}, info, raw)).toBe('cache-1');
    const bare = Buffer.from('{"model":"m","input":[{"role":"user","content":"a"}]}');
    expect(responsesSessionId({}, parseResponsesRequest(bare), bare)).toMatch(/^p:/);
  });
});

describe('Responses usage', () => {
  it('splits cached input out and keeps reasoning apart from (and inside) output', () => {
    const body = JSON.stringify({ id: 'resp_1', output: [], usage, metadata: {} });
    expect(responsesUsageFromBody(body)).toEqual({
      input: 200,
      output: 300,
      cacheRead: 1000,
      cacheWrite5m: 0,
      cacheWrite1h: 0,
      reasoning: 120,
    });
    expect(responsesUsageFromBody('{"id":"x"}')).toBeUndefined();
  });

  it('reads the final usage from response.completed and numbers its own error after the last event', () => {
    const tap = new ResponsesStreamTap(0);
    tap.push(frame('response.created', 0, { response: { id: 'r' } }));
    expect(tap.sawContent).toBe(false);
    tap.push(frame('response.output_text.delta', 1, { delta: 'hi' }));
    expect(tap.sawContent).toBe(true);
    expect(
      JSON.parse(tap.errorFrame(new AppError('upstream_error', 'cut')).split('data: ')[1] ?? ''),
    ).toEqual({
      type: 'error',
      code: 'upstream_error',
      message: 'cut',
      param: null,
      sequence_number: 2,
    });
    tap.push(frame('response.completed', 2, { response: { id: 'r', usage } }));
    tap.end();
    expect(tap.finalUsage()).toEqual({
      usage: { input: 200, output: 300, cacheRead: 1000, cacheWrite5m: 0, cacheWrite1h: 0, reasoning: 120 },
      estimated: false,
    });
  });

  it('estimates a stream cut before its usage from the admission estimate and the text seen', () => {
    const tap = new ResponsesStreamTap(900);
    tap.push(frame('response.output_text.delta', 3, { delta: 'x'.repeat(400) }));
    tap.end();
    const final = tap.finalUsage();
    expect(final.estimated).toBe(true);
    expect(final.usage.input).toBe(900);
    expect(final.usage.output).toBeGreaterThan(50);
  });

  it('reports upstream error events and response.failed', () => {
    const tap = new ResponsesStreamTap(0);
    tap.push(frame('error', 0, { code: 'server_error', message: 'boom', param: null }));
    expect(tap.error).toEqual({ type: 'server_error', message: 'boom', blame: 'error' });
    const failed = new ResponsesStreamTap(0);
    failed.push(
      frame('response.failed', 4, { response: { error: { code: 'rate_limit', message: 'x' }, usage } }),
    );
    expect(failed.error?.type).toBe('rate_limit');
    expect(failed.finalUsage().estimated).toBe(false);
  });
});

describe('Responses budget', () => {
  it('bounds input by bytes, counting inline images at an allowance, and caps max_output_tokens', () => {
    const image = `data:image/png;base64,${'A'.repeat(100_000)}`;
    const raw = Buffer.from(
      JSON.stringify({
        model: 'm',
        input: [{ role: 'user', content: [{ type: 'input_image', image_url: image }] }],
      }),
    );
    const measure = measureResponsesInput(raw, JSON.parse(raw.toString()));
    expect(measure.boundTokens).toBeLessThan(raw.length);
    expect(measure.cacheWrites).toBe('none');
    const capped = capResponsesOutput(Buffer.from('{"model":"m","max_output_tokens":9000}'), 100);
    expect(JSON.parse(capped.toString()).max_output_tokens).toBe(100);
    const added = capResponsesOutput(Buffer.from('{"model":"m"}'), 100);
    expect(JSON.parse(added.toString())).toEqual({ max_output_tokens: 100, model: 'm' });
  });
});

describe('OpenAI rate-limit headers', () => {
  const now = 1_000_000;
  it('reads headroom and the reset of an exhausted limit', () => {
    expect(readOpenAIRateLimits({}, now)).toBeUndefined();
    expect(
      readOpenAIRateLimits(
        { 'x-ratelimit-limit-requests': '100', 'x-ratelimit-remaining-requests': '50' },
        now,
      ),
    ).toEqual({ low: false, resetAt: undefined });
    expect(
      readOpenAIRateLimits(
        {
          'x-ratelimit-limit-tokens': '1000',
          'x-ratelimit-remaining-tokens': '0',
          'x-ratelimit-reset-tokens': '1m30.5s',
        },
        now,
      ),
    ).toEqual({ low: true, resetAt: now + 90_500 });
  });

  it('reads Codex plan windows', () => {
    expect(readOpenAIRateLimits({ 'x-codex-primary-used-percent': '95' }, now)?.low).toBe(true);
    expect(
      readOpenAIRateLimits(
        { 'x-codex-primary-used-percent': '100', 'x-codex-primary-reset-after-seconds': '600' },
        now,
      ),
    ).toEqual({ low: true, resetAt: now + 600_000 });
  });
});
