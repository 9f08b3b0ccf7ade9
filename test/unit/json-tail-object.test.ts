import { describe, expect, it } from 'vitest';
import { anthropicUsageFromBody } from '../../src/relay/formats/anthropic/usage.js';
import { lastObjectField } from '../../src/relay/stream/json-tail-object.js';

describe('trailing object lookup', () => {
  it('finds the top-level usage after content that mentions usage', () => {
    const body = JSON.stringify({
      content: [
        { type: 'text', text: 'the "usage": {"input_tokens": 999} in text' },
        { type: 'tool_use', input: { usage: { input_tokens: 5 } } },
      ],
      usage: { input_tokens: 12, output_tokens: 3, cache_creation: { ephemeral_5m_input_tokens: 1 } },
    });
    expect(lastObjectField(body, 'usage')).toEqual({
      input_tokens: 12,
      output_tokens: 3,
      cache_creation: { ephemeral_5m_input_tokens: 1 },
    });
  });

  it('handles whitespace, braces inside strings, and missing or broken objects', () => {
    expect(lastObjectField('{"usage" :\n { "a": "}{", "b": 1 } }', 'usage')).toEqual({ a: '}{', b: 1 });
    expect(lastObjectField('{"other": 1}', 'usage')).toBeUndefined();
    expect(lastObjectField('{"usage": 5}', 'usage')).toBeUndefined();
    expect(lastObjectField('{"usage": {"a": 1', 'usage')).toBeUndefined();
  });

  it('falls back to a full parse when the tail is not a usage object', () => {
    // Usage first, then a later nested "usage" that is not a usage object: the fallback finds the real one.
    const body = JSON.stringify({
      usage: { input_tokens: 7, output_tokens: 1 },
      content: [{ usage: { x: 1 } }],
    });
    expect(anthropicUsageFromBody(body)).toMatchObject({ input: 7, output: 1 });
    expect(anthropicUsageFromBody('not json')).toBeUndefined();
  });
});
