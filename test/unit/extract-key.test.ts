import { describe, expect, it } from 'vitest';
import { extractRelayKey } from '../../src/relay/client/extract-key.js';

describe('relay key extraction', () => {
  it('reads every supported place', () => {
    expect(extractRelayKey({ 'x-api-key': 'cr_a' }, '', 'cr_')).toBe('cr_a');
    expect(extractRelayKey({ authorization: 'Bearer cr_b' }, '', 'cr_')).toBe('cr_b');
    expect(extractRelayKey({ authorization: 'bearer   cr_b2 ' }, '', 'cr_')).toBe('cr_b2');
    expect(extractRelayKey({ 'x-goog-api-key': 'cr_c' }, '', 'cr_')).toBe('cr_c');
    expect(extractRelayKey({ 'api-key': 'cr_d' }, '', 'cr_')).toBe('cr_d');
    expect(extractRelayKey({}, 'alt=sse&key=cr_e', 'cr_')).toBe('cr_e');
    expect(extractRelayKey({}, 'alt=sse', 'cr_')).toBeUndefined();
  });

  it('prefers the candidate with the relay prefix when several are present (Claude Code sends both)', () => {
    const headers = { 'x-api-key': 'sk-ant-other', authorization: 'Bearer cr_relay' };
    expect(extractRelayKey(headers, '', 'cr_')).toBe('cr_relay');
  });

  it('falls back to the first non-empty one in the documented order', () => {
    expect(
      extractRelayKey({ 'x-api-key': ' ', authorization: 'Bearer other', 'api-key': 'x' }, '', 'cr_'),
    ).toBe('other');
    expect(extractRelayKey({ authorization: 'Basic abc' }, '', 'cr_')).toBeUndefined();
  });
});
