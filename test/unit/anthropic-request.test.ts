import { describe, expect, it } from 'vitest';
import { parseAnthropicRequest } from '../../src/relay/formats/anthropic/request.js';
import { acceptedEncodings, upstreamAcceptEncoding } from '../../src/relay/upstream/encoding.js';

const parse = (body: string) => parseAnthropicRequest(Buffer.from(body));

describe('Anthropic request parsing', () => {
  it('reads model, stream, max_tokens and the session user id, keeping unknown fields', () => {
    const info = parse(
      '{"model":"m","stream":true,"max_tokens":5,"metadata":{"user_id":"u"},"future_field":1}',
    );
    expect(info).toMatchObject({ model: 'm', stream: true, maxTokens: 5, userId: 'u' });
    expect(info.body.future_field).toBe(1);
    expect(parse('{"model":"m"}').stream).toBe(false);
  });

  it.each([
    ['', /empty/],
    ['not json', /not valid JSON/],
    ['[1,2]', /JSON object/],
    ['{"model":""}', /^model:/],
    ['{"model":7}', /^model:/],
    ['{"model":"m","stream":"yes"}', /^stream:/],
    ['{"model":"m","max_tokens":-1}', /^max_tokens:/],
  ])('refuses %j', (body, message) => {
    expect(() => parse(body)).toThrow(message);
  });
});

describe('content-encoding negotiation', () => {
  it('asks upstream only for encodings the client accepts and the relay can decode', () => {
    expect(upstreamAcceptEncoding('gzip, deflate, br, zstd')).toBe('gzip, br, deflate');
    expect(upstreamAcceptEncoding('zstd')).toBe('identity');
    expect(upstreamAcceptEncoding(undefined)).toBe('identity');
    expect(upstreamAcceptEncoding('gzip;q=0, br')).toBe('br');
    expect([...acceptedEncodings('GZIP ; q=0.5, identity')]).toEqual(['gzip', 'identity']);
  });
});
