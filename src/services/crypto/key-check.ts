// Guards against an instance starting with a different encryption key than the data in Redis was sealed with.
import type { RedisContext } from '../redis/record-store.js';
import type { SecretBox } from './secret-box.js';

const CHECK_PLAINTEXT = 'relay-encryption-key-check';

export class EncryptionKeyMismatchError extends Error {
  constructor() {
    super(
      'ENCRYPTION_KEY does not match the key the data in this Redis was encrypted with. Every instance sharing a ' +
        'Redis (and key prefix) must use the same ENCRYPTION_KEY; set it explicitly on all of them.',
    );
    this.name = 'EncryptionKeyMismatchError';
  }
}

/**
 * The first instance stores a sealed marker; later ones must be able to open it. Without this, an instance
 * with its own generated key would start fine and then fail every request on accounts it cannot decrypt.
 */
export async function verifyEncryptionKey(context: RedisContext, secretBox: SecretBox): Promise<void> {
  const key = context.keys.encryptionCheck();
  await context.redis.set(key, secretBox.seal(CHECK_PLAINTEXT, key), 'NX');
  const stored = await context.redis.get(key);
  try {
    if (stored && secretBox.open(stored, key) === CHECK_PLAINTEXT) return;
  } catch {
    // Falls through: a marker that does not open means a different key.
  }
  throw new EncryptionKeyMismatchError();
}
