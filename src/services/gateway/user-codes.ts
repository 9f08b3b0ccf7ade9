// User codes of the device flow: what a person reads off their terminal and types into the verification page.
// RFC 8628 §6.1: a base-20 alphabet of consonants only (no vowels, so no words; no look-alike digits), long
// enough to resist guessing within a code's lifetime given the per-address limit on tries.
import { randomInt } from 'node:crypto';

const ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
const LENGTH = 8;

/** `WDJB-MJHT`: 20^8 ≈ 2^34.6 codes. */
export function newUserCode(): string {
  let code = '';
  for (let index = 0; index < LENGTH; index += 1) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * The canonical form of a code as typed: case, spaces and dashes do not matter (§6.1). Undefined when what
 * was typed cannot be a code, so nothing malformed reaches the store.
 */
export function normalizeUserCode(input: string): string | undefined {
  const letters = input.toUpperCase().replace(/[\s-]/g, '');
  if (letters.length !== LENGTH) return undefined;
  for (const letter of letters) if (!ALPHABET.includes(letter)) return undefined;
  return `${letters.slice(0, 4)}-${letters.slice(4)}`;
}
