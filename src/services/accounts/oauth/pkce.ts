// PKCE (RFC 7636) values for one authorization: a random verifier, its S256 challenge, and a random state.
import { createHash, randomBytes } from 'node:crypto';

export interface PkcePair {
  /** Kept by the relay until the code exchange; 43 characters of base64url. */
  verifier: string;
  /** Sent in the authorize URL: base64url(SHA-256(verifier)). */
  challenge: string;
  /** Echoed back with the code, binding the pasted code to the attempt that asked for it. */
  state: string;
}

/** 32 random bytes as base64url: 43 characters, inside RFC 7636's 43–128 and of full entropy. */
export function createVerifier(): string {
  return randomBytes(32).toString('base64url');
}

export function challengeFor(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function createState(): string {
  return randomBytes(32).toString('base64url');
}

export function createPkce(): PkcePair {
  const verifier = createVerifier();
  return { verifier, challenge: challengeFor(verifier), state: createState() };
}
