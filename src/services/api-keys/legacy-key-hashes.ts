// Keys brought from another relay keep working with the plaintext their holders already have. Claude Relay
// Service stores SHA-256(plaintext + its ENCRYPTION_KEY), a pepper shared by all its keys, so checking such a
// key needs that pepper: it is kept here sealed with our own encryption key, and a presented secret that no key
// of ours matches is hashed once more per pepper whose key prefix it carries (one pepper per imported relay).
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { InvalidatingCache } from '../cache/invalidating-cache.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { EventBus } from '../events/event-bus.js';
import type { RedisContext } from '../redis/record-store.js';

export const KEY_PEPPERS_TOPIC = 'api-key-peppers';

/** How a stored key's `hash` was computed: ours, or another relay's peppered hash awaiting first use. */
export const HASH_SCHEMES = ['sha256', 'peppered-sha256'] as const;
export type HashScheme = (typeof HASH_SCHEMES)[number];

const pepperSchema = z.object({ prefix: z.string(), pepper: z.string().min(1) });
type Pepper = z.infer<typeof pepperSchema> & { id: string };

export interface LegacyHashCandidate {
  pepperId: string;
  /** The key prefix of the relay the pepper came from. */
  prefix: string;
  hash: string;
}

/** SHA-256 of the plaintext followed by the pepper, hex: Claude Relay Service's `_hashApiKey`. */
export function pepperedHash(secret: string, pepper: string): string {
  return createHash('sha256')
    .update(secret + pepper)
    .digest('hex');
}

export class LegacyKeyHashes {
  private readonly cache: InvalidatingCache<Pepper[]>;

  constructor(
    private readonly context: RedisContext,
    private readonly bus: EventBus,
    private readonly secretBox: SecretBox,
  ) {
    this.cache = new InvalidatingCache({ ttlMs: 60_000, maxEntries: 1 });
  }

  start(): Promise<() => Promise<void>> {
    return this.cache.attach(this.bus, KEY_PEPPERS_TOPIC);
  }

  /** Stores a pepper for keys with `prefix` and returns its id; the same pepper and prefix give the same id. */
  async add(prefix: string, pepper: string): Promise<string> {
    const known = (await this.all()).find((item) => item.pepper === pepper && item.prefix === prefix);
    if (known) return known.id;
    const id = `pep_${randomUUID()}`;
    const sealed = this.secretBox.seal(JSON.stringify({ prefix, pepper }), id);
    await this.context.redis.hset(this.context.keys.apiKeyPeppers(), id, sealed);
    await this.cache.invalidate(this.bus, KEY_PEPPERS_TOPIC, '*');
    return id;
  }

  /** Every pepper with its id, opened: for an encrypted bundle only. */
  async exportAll(): Promise<Array<{ id: string; prefix: string; pepper: string }>> {
    return (await this.all()).map(({ id, prefix, pepper }) => ({ id, prefix, pepper }));
  }

  /** Stores a pepper from a bundle under its own id (keys name it), sealed with this relay's key. */
  async restore(id: string, prefix: string, pepper: string): Promise<void> {
    const sealed = this.secretBox.seal(JSON.stringify({ prefix, pepper }), id);
    await this.context.redis.hset(this.context.keys.apiKeyPeppers(), id, sealed);
    await this.cache.invalidate(this.bus, KEY_PEPPERS_TOPIC, '*');
  }

  /**
   * The legacy hashes a presented secret could be stored under. Empty (no hashing at all) when nothing was
   * imported, or the secret lacks every imported relay's key prefix.
   */
  async candidates(secret: string): Promise<LegacyHashCandidate[]> {
    const peppers = await this.all();
    const found: LegacyHashCandidate[] = [];
    for (const { id, prefix, pepper } of peppers) {
      if (secret.startsWith(prefix)) found.push({ pepperId: id, prefix, hash: pepperedHash(secret, pepper) });
    }
    return found;
  }

  private all(): Promise<Pepper[]> {
    return this.cache.getOrLoad('all', async () => {
      const sealed = await this.context.redis.hgetall(this.context.keys.apiKeyPeppers());
      return Object.entries(sealed).map(([id, value]) => ({
        id,
        ...pepperSchema.parse(JSON.parse(this.secretBox.open(value, id))),
      }));
    });
  }
}
