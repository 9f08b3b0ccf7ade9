// Relay keys typed where a key id is expected: looked up by hash through the API key service, and never
// repeated back (errors name the key by its hint, as the key list does).
import { AppError, isAppError } from '../errors/app-error.js';
import { keyHint } from '../services/api-keys/api-key-secret.js';
import type { Services } from '../services/container.js';

const KEY_ID = /^key_[0-9a-f]{32}$/;
/** Relay keys carry 43 random characters; 20 already make a guessable-from-nothing secret worth hiding. */
const MIN_SECRET_LENGTH = 20;

/** Whether a command-line value is (or is meant as) a relay key rather than a key id. */
export function isRelayKey(value: string, prefix: string): boolean {
  return value.startsWith(prefix) && value.length >= prefix.length + MIN_SECRET_LENGTH && !KEY_ID.test(value);
}

/** The key id a `<id>` argument names: the id itself, or the id of the key whose plaintext it is. */
export async function keyIdOf(services: Services, argument: string, prefix: string): Promise<string> {
  if (!isRelayKey(argument, prefix)) return argument;
  try {
    return (await services.apiKeys.authenticate(argument)).id;
  } catch (error) {
    if (!isAppError(error) || error.code !== 'unauthenticated') throw error;
    throw new AppError('not_found', `No API key matches the relay key given (${keyHint(argument, prefix)})`);
  }
}

/**
 * Replaces every relay key among the arguments by its hint in text about them (errors, notes, output): an
 * error that quotes an argument must not put a secret on the screen or in a log.
 */
export function relayKeyRedactor(argv: readonly string[], prefix: string): (text: string) => string {
  const secrets = argv
    .flatMap((item) => [item, item.slice(item.indexOf('=') + 1)])
    .filter((item) => isRelayKey(item, prefix))
    // Longest first, so a key that contains another is replaced whole.
    .sort((a, b) => b.length - a.length);
  return (text) =>
    secrets.reduce((result, secret) => result.replaceAll(secret, keyHint(secret, prefix)), text);
}
