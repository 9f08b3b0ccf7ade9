// The small pure pieces of the gateway sign-in: user codes (RFC 8628 §6.1's base-20 alphabet, typed loosely),
// Claude Code's managed-settings checksum, and the display names of the Anthropic model list.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { displayName } from '../../src/relay/formats/anthropic/format.js';
import { newUserCode, normalizeUserCode } from '../../src/services/gateway/user-codes.js';
import { canonicalJson, settingsChecksum } from '../../src/services/managed-settings/canonical-json.js';

describe('user codes', () => {
  it('are two groups of four consonants from the base-20 alphabet, and differ', () => {
    const codes = new Set(Array.from({ length: 200 }, () => newUserCode()));
    for (const code of codes) expect(code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(codes.size).toBeGreaterThan(195);
  });

  it('are read as typed: case, spaces and dashes do not matter; anything else is not a code', () => {
    expect(normalizeUserCode('wdjb mjht')).toBe('WDJB-MJHT');
    expect(normalizeUserCode(' WD-JB-MJ-HT ')).toBe('WDJB-MJHT');
    expect(normalizeUserCode('WDJB-MJH')).toBeUndefined();
    expect(normalizeUserCode('AEIO-UBCD')).toBeUndefined();
    expect(normalizeUserCode('WDJB-MJH1')).toBeUndefined();
  });
});

describe('managed settings checksum', () => {
  it('sorts keys at every level, keeps array order, and has no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it("is sha256: over that text, as Claude Code computes it (the empty policy's is known)", () => {
    expect(settingsChecksum({})).toBe(
      'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
    );
    const settings = { permissions: { deny: ['Bash'] }, env: { B: '2', A: '1' } };
    expect(settingsChecksum(settings)).toBe(
      `sha256:${createHash('sha256').update('{"env":{"A":"1","B":"2"},"permissions":{"deny":["Bash"]}}').digest('hex')}`,
    );
  });
});

describe('Anthropic model list display names', () => {
  it('names Claude models as Anthropic does and leaves other ids alone', () => {
    expect(displayName('claude-sonnet-4-5-20250929')).toBe('Claude Sonnet 4.5');
    expect(displayName('claude-opus-4-7')).toBe('Claude Opus 4.7');
    expect(displayName('claude-haiku-4-20250101')).toBe('Claude Haiku 4');
    expect(displayName('team-fast')).toBe('team-fast');
  });
});
