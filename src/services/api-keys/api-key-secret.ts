// Relay key material: generation (256 bits of randomness), hashing for storage, and the display hint.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function generateKeySecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function hashKeySecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function keyHint(secret: string, prefix: string): string {
  return `${prefix}…${secret.slice(-4)}`;
}

/** Constant-time comparison of two hex digests of equal length. */
export function sameHash(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}
