import { describe, expect, it } from 'vitest';
import { spliceTopLevelString } from '../../src/relay/stream/json-field-splice.js';

const splice = (json: string, value: string) =>
  spliceTopLevelString(Buffer.from(json), 'model', value)?.toString();

describe('top-level field splice', () => {
  it('replaces only the top-level model and keeps every other byte', () => {
    const json =
      '{ "messages":[{"model":"inner","content":"\\"model\\": x"}],\n  "model" :  "claude-a", "z":1 }';
    expect(splice(json, 'claude-b')).toBe(
      '{ "messages":[{"model":"inner","content":"\\"model\\": x"}],\n  "model" :  "claude-b", "z":1 }',
    );
  });

  it('handles keys after nested objects and string values that look like keys', () => {
    const json = '{"metadata":{"model":"no"},"note":"model","model":"m1"}';
    expect(splice(json, 'm2')).toBe('{"metadata":{"model":"no"},"note":"model","model":"m2"}');
  });

  it('escapes the new value and keeps multi-byte text intact', () => {
    const json = '{"system":"héllo ✓ \\u00e9","model":"a"}';
    const result = splice(json, 'we"ird');
    expect(JSON.parse(result ?? '')).toEqual({ system: 'héllo ✓ é', model: 'we"ird' });
  });

  it('returns undefined when there is no top-level string model', () => {
    expect(splice('{"messages":[{"model":"x"}]}', 'y')).toBeUndefined();
    expect(splice('{"model":42}', 'y')).toBeUndefined();
    expect(splice('["model","x"]', 'y')).toBeUndefined();
  });
});
