import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/services/crypto/secret-box.js';

const keyA = { id: 'a', key: Buffer.alloc(32, 1) };
const keyB = { id: 'b', key: Buffer.alloc(32, 2) };

describe('secret box (AES-256-GCM)', () => {
  it('round-trips, and each seal is different', () => {
    const box = new SecretBox({ current: keyA });
    const first = box.seal('sk-secret', 'acc_1');
    expect(first).not.toContain('sk-secret');
    expect(first).not.toBe(box.seal('sk-secret', 'acc_1'));
    expect(box.open(first, 'acc_1')).toBe('sk-secret');
  });

  it('refuses tampered ciphertexts and ciphertexts moved to another record', () => {
    const box = new SecretBox({ current: keyA });
    const sealed = box.seal('sk-secret', 'acc_1');
    const parts = sealed.split(':');
    const body = Buffer.from(parts[4] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[4] = body.toString('base64url');
    expect(() => box.open(parts.join(':'), 'acc_1')).toThrow();
    expect(() => box.open(sealed, 'acc_2')).toThrow();
  });

  it('opens secrets sealed with a previous key after rotation', () => {
    const old = new SecretBox({ current: keyA }).seal('sk-old', 'acc_1');
    const rotated = new SecretBox({ current: keyB, previous: [keyA] });
    expect(rotated.open(old, 'acc_1')).toBe('sk-old');
    expect(rotated.needsReseal(old)).toBe(true);
    expect(() => new SecretBox({ current: keyB }).open(old, 'acc_1')).toThrow(/unknown encryption key a/);
  });
});
