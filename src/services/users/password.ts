// argon2id password hashing; the only place that sees a plaintext password.
import argon2 from 'argon2';

/** What the user service hashes and checks passwords with; a seam so tests can count verifications. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password and for a malformed hash alike. */
  verify(hash: string, password: string): Promise<boolean>;
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    // A malformed stored hash must read as "wrong password", never as a crash.
    return false;
  }
}

export const ARGON2_PASSWORDS: PasswordHasher = { hash: hashPassword, verify: verifyPassword };
