// Captured bodies lose their secrets (credential keys and credential-shaped strings) and are cut on a
// character boundary.
import { describe, expect, it } from 'vitest';
import { redactBody, redactText, truncateUtf8 } from '../../src/services/request-log/body-redaction.js';

describe('body redaction', () => {
  it('replaces values under credential keys, at any depth, whatever they hold', () => {
    const body = JSON.stringify({
      model: 'm',
      max_tokens: 5,
      metadata: { api_key: 'plain', 'X-Api-Key': 'x', nested: [{ access_token: { a: 1 } }] },
      tools: [{ input: { password: 'hunter2', query: 'q' } }],
    });
    expect(JSON.parse(redactBody(body, 10_000).text)).toEqual({
      model: 'm',
      max_tokens: 5,
      metadata: {
        api_key: '[redacted]',
        'X-Api-Key': '[redacted]',
        nested: [{ access_token: '[redacted]' }],
      },
      tools: [{ input: { password: '[redacted]', query: 'q' } }],
    });
  });

  it.each([
    ['an Anthropic key', 'use sk-ant-api03-abcdefghijklmnopqrstuvwxyz012 now', 'use [redacted] now'],
    ['an OpenAI project key', 'sk-proj-ABCDEFGHIJKLMNOPQRSTUV', '[redacted]'],
    ['a relay key', 'key cr_0123456789abcdef0123456789abcdef.', 'key [redacted].'],
    ['a Google API key', 'AIzaSyA1234567890abcdefghijklmnopqrstuv', '[redacted]'],
    ['an AWS access key', 'id AKIAIOSFODNN7EXAMPLE ok', 'id [redacted] ok'],
    ['a GitHub token', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', '[redacted]'],
    ['a bearer header', 'Authorization: Bearer abcdefghijklmnop.qrs', 'Authorization: Bearer [redacted]'],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLXZhbHVl', '[redacted]'],
  ])('replaces %s in text', (_name, text, expected) => {
    expect(redactText(text)).toBe(expected);
    expect(JSON.parse(redactBody(JSON.stringify({ content: text }), 10_000).text)).toEqual({
      content: expected,
    });
  });

  it('leaves ordinary words alone', () => {
    const text = 'the task_force asked about tokens and keys; sk-short';
    expect(redactText(text)).toBe(text);
  });

  it('redacts what is not JSON as text, and cuts at the size on a character boundary', () => {
    expect(redactBody('data: {"k":"sk-ant-api03-abcdefghijklmnopqrstuvwxyz"}', 1000).text).toBe(
      'data: {"k":"[redacted]"}',
    );
    const cut = truncateUtf8('ab€cd', 4);
    expect(cut).toEqual({ text: 'ab', truncated: true });
    expect(truncateUtf8('ab€', 5)).toEqual({ text: 'ab€', truncated: false });
  });
});
