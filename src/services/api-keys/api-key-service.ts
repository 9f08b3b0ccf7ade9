// Relay API keys: CRUD, rotation and hashed lookup with an in-process cache kept honest by pub/sub.
import { AppError } from '../../errors/app-error.js';
import { newId } from '../../lib/ids.js';
import { InvalidatingCache } from '../cache/invalidating-cache.js';
import type { EventBus } from '../events/event-bus.js';
import { pageOfRecords, type RecordPage } from '../redis/pagination.js';
import { execOrThrow, modifyRecord, type RedisContext } from '../redis/record-store.js';
import { crossSlotPipeline, getMany } from '../redis/slot-spanning.js';
import { parseInput } from '../validation.js';
import { generateKeySecret, hashKeySecret, keyHint, sameHash } from './api-key-secret.js';
import {
  type ApiKey,
  type CreateApiKeyInput,
  createApiKeyInputSchema,
  type StoredApiKey,
  storedApiKeySchema,
  type UpdateApiKeyInput,
  updateApiKeyInputSchema,
} from './api-key-types.js';
import type { LegacyKeyHashes } from './legacy-key-hashes.js';

export const API_KEYS_TOPIC = 'api-keys';

export interface ApiKeyServiceOptions {
  prefix: string;
  /** Staleness bound should an invalidation message be lost; pub/sub normally acts within milliseconds. */
  cacheTtlMs?: number;
  now?: () => number;
  /** Peppers of keys imported from another relay; without it, only our own hashes are looked up. */
  legacy?: LegacyKeyHashes;
}

/** A key brought from another relay: its fields, and the hash that relay stored for it. */
export interface ImportedKey {
  id: string;
  fields: CreateApiKeyInput;
  legacyHash: string;
  pepperId: string;
  /** What the holder sees to recognise it until first use (its last characters are not known before). */
  hint: string;
  createdAt: number;
}

export interface IssuedApiKey {
  key: ApiKey;
  /** The full key. Returned once, at creation or rotation; only its hash is stored. */
  plaintext: string;
}

export type ApiKeyPage = RecordPage<ApiKey>;

export class ApiKeyService {
  /** Validated keys by hash; `null` remembers briefly that a hash is unknown. */
  private readonly cache: InvalidatingCache<StoredApiKey | null>;
  private readonly now: () => number;
  private readonly redis: RedisContext['redis'];
  private readonly keys: RedisContext['keys'];

  constructor(
    private readonly context: RedisContext,
    private readonly bus: EventBus,
    private readonly options: ApiKeyServiceOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.redis = context.redis;
    this.keys = context.keys;
    this.cache = new InvalidatingCache({
      ttlMs: options.cacheTtlMs ?? 30_000,
      maxEntries: 100_000,
      now: this.now,
    });
  }

  /** Subscribes the cache to invalidations from every instance. */
  start(): Promise<() => Promise<void>> {
    return this.cache.attach(this.bus, API_KEYS_TOPIC);
  }

  async create(input: CreateApiKeyInput): Promise<IssuedApiKey> {
    const fields = parseInput(createApiKeyInputSchema, input);
    const plaintext = generateKeySecret(this.options.prefix);
    const now = this.now();
    const stored: StoredApiKey = {
      ...fields,
      id: newId('key'),
      hash: hashKeySecret(plaintext),
      hint: keyHint(plaintext, this.options.prefix),
      createdAt: now,
      updatedAt: now,
    };
    // Record first, lookup entry last: a half-written key is never usable.
    const pipeline = crossSlotPipeline(this.redis).set(this.keys.apiKey(stored.id), JSON.stringify(stored));
    pipeline.zadd(this.keys.apiKeysIndex(), now, stored.id);
    if (stored.ownerId) pipeline.zadd(this.keys.apiKeysByOwner(stored.ownerId), now, stored.id);
    pipeline.hset(this.keys.apiKeysByHash(), stored.hash, stored.id);
    await execOrThrow(pipeline);
    // Another instance may have cached "unknown" for this hash a moment ago.
    await this.cache.invalidate(this.bus, API_KEYS_TOPIC, stored.hash);
    return { key: toApiKey(stored), plaintext };
  }

  async get(id: string): Promise<ApiKey | undefined> {
    const stored = await this.getStored(id);
    return stored && toApiKey(stored);
  }

  async require(id: string): Promise<ApiKey> {
    const key = await this.get(id);
    if (!key) throw new AppError('not_found', `API key ${id} does not exist`);
    return key;
  }

  /** Newest first, paginated through the index (never SCAN); the cursor survives inserts and deletes. */
  /** Every key a user owns, by id: what scopes a member's views (usage, request log, live tails). */
  async ownedKeyIds(userId: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list({ ownerId: userId, limit: 500, ...(cursor ? { cursor } : {}) });
      for (const key of page.items) ids.push(key.id);
      cursor = page.nextCursor;
    } while (cursor);
    return ids;
  }

  async list(options: { limit?: number; cursor?: string; ownerId?: string } = {}): Promise<ApiKeyPage> {
    const index = options.ownerId ? this.keys.apiKeysByOwner(options.ownerId) : this.keys.apiKeysIndex();
    return pageOfRecords(this.redis, index, options, this.keys.apiKey, (raw) => toApiKey(parseStored(raw)));
  }

  /**
   * Changes a key. A function patch is computed from the current key inside the compare-and-swap, so changes
   * derived from the current value (merging limits) cannot lose a concurrent edit. Fields left undefined keep
   * their stored value.
   */
  async update(
    id: string,
    patch: UpdateApiKeyInput | ((current: ApiKey) => UpdateApiKeyInput),
  ): Promise<ApiKey> {
    const changesFor = (current: StoredApiKey) =>
      definedFields(
        parseInput(updateApiKeyInputSchema, typeof patch === 'function' ? patch(toApiKey(current)) : patch),
      );
    if (typeof patch !== 'function') changesFor(await this.requireStored(id));
    const updated = await this.modify(id, (current) => ({ ...current, ...changesFor(current) }));
    return toApiKey(updated);
  }

  async setEnabled(id: string, enabled: boolean): Promise<ApiKey> {
    return toApiKey(await this.modify(id, (current) => ({ ...current, enabled })));
  }

  /** Issues a new secret for the same key (limits, usage and bindings stay); the old secret stops working. */
  async rotate(id: string): Promise<IssuedApiKey> {
    const plaintext = generateKeySecret(this.options.prefix);
    let oldHash = '';
    const rotated = await this.modify(id, (current) => {
      oldHash = current.hash;
      // A key imported from another relay and never used yet stops being one: its new secret is ours.
      const { pepperId: _pepper, hashScheme: _scheme, ...rest } = current;
      return {
        ...rest,
        hash: hashKeySecret(plaintext),
        hint: keyHint(plaintext, this.options.prefix),
        rotatedAt: this.now(),
      };
    });
    await execOrThrow(
      crossSlotPipeline(this.redis)
        .hdel(this.keys.apiKeysByHash(), oldHash)
        .hset(this.keys.apiKeysByHash(), rotated.hash, rotated.id),
    );
    await this.cache.invalidate(this.bus, API_KEYS_TOPIC, oldHash);
    return { key: toApiKey(rotated), plaintext };
  }

  async delete(id: string): Promise<void> {
    const stored = await this.getStored(id);
    if (!stored) throw new AppError('not_found', `API key ${id} does not exist`);
    // Lookup entry first, so the key stops authenticating before its record disappears.
    const pipeline = crossSlotPipeline(this.redis).hdel(this.keys.apiKeysByHash(), stored.hash);
    pipeline.del(this.keys.apiKey(id)).zrem(this.keys.apiKeysIndex(), id);
    if (stored.ownerId) pipeline.zrem(this.keys.apiKeysByOwner(stored.ownerId), id);
    await execOrThrow(pipeline);
    await this.cache.invalidate(this.bus, API_KEYS_TOPIC, stored.hash);
  }

  /**
   * Resolves a presented secret to its key, or throws `unauthenticated`. On the hot path this is one SHA-256
   * and a Map lookup; Redis is asked only on a cache miss.
   */
  async authenticate(secret: string): Promise<StoredApiKey> {
    const hash = hashKeySecret(secret);
    return accepted(await this.cache.getOrLoad(hash, () => this.loadBySecret(secret, hash)), hash);
  }

  /** As `authenticate`, refusing disabled keys: the rule for every surface that takes a relay key. */
  async authenticateEnabled(secret: string): Promise<StoredApiKey> {
    return enabled(await this.authenticate(secret));
  }

  /**
   * As `authenticateEnabled`, answered from memory alone: undefined when the cache does not know the secret
   * and Redis must be asked. The request path then does not wait on, or arm a Redis deadline for, a step that
   * never needs Redis.
   */
  enabledFromCache(secret: string): StoredApiKey | undefined {
    const hash = hashKeySecret(secret);
    const stored = this.cache.get(hash);
    return stored === undefined ? undefined : enabled(accepted(stored, hash));
  }

  /** A key by id with its stored fields, for a holder that is bound to a key rather than presenting it. */
  async findStored(id: string): Promise<StoredApiKey | undefined> {
    return this.getStored(id);
  }

  /**
   * Writes a key imported from another relay under the id the import chose, unless it is there already (a
   * re-run, or a run resumed after an interruption). Returns whether it was written.
   */
  async importKey(imported: ImportedKey): Promise<boolean> {
    const fields = parseInput(createApiKeyInputSchema, imported.fields);
    return this.restoreKey({
      ...fields,
      id: imported.id,
      hash: imported.legacyHash,
      hashScheme: 'peppered-sha256',
      pepperId: imported.pepperId,
      hint: imported.hint,
      createdAt: imported.createdAt,
      updatedAt: this.now(),
    });
  }

  /**
   * Writes a key record as given (from an import or a bundle) unless its id exists, then its lookup entries.
   * A run stopped between the record and its entries left the record alone: the entries are added again from
   * the record as it is now (which may have been upgraded or edited since). Returns whether it was written.
   */
  async restoreKey(record: StoredApiKey): Promise<boolean> {
    const stored = storedApiKeySchema.parse(record);
    const written =
      (await this.redis.set(this.keys.apiKey(stored.id), JSON.stringify(stored), 'NX')) === 'OK';
    const current = written ? stored : await this.getStored(stored.id);
    if (!current) return false;
    const pipeline = crossSlotPipeline(this.redis).zadd(
      this.keys.apiKeysIndex(),
      'NX',
      current.createdAt,
      current.id,
    );
    if (current.ownerId)
      pipeline.zadd(this.keys.apiKeysByOwner(current.ownerId), 'NX', current.createdAt, current.id);
    pipeline.hset(this.keys.apiKeysByHash(), current.hash, current.id);
    await execOrThrow(pipeline);
    await this.cache.invalidate(this.bus, API_KEYS_TOPIC, current.hash);
    return written;
  }

  /** Every key as stored (hashes included): for an encrypted bundle only. */
  async exportAll(): Promise<StoredApiKey[]> {
    const ids = await this.redis.zrange(this.keys.apiKeysIndex(), 0, -1);
    const raws = await getMany(
      this.redis,
      ids.map((id) => this.keys.apiKey(id)),
    );
    return raws.flatMap((raw) => (raw ? [parseStored(raw)] : []));
  }

  /**
   * Our hash and, when keys were imported from another relay, that relay's peppered hash of the secret (one
   * SHA-256 per imported pepper with the secret's prefix), asked for in the same round trip. An imported key
   * found by its old hash is upgraded to ours at once, so it is looked up like any other from then on.
   */
  private async loadBySecret(secret: string, hash: string): Promise<StoredApiKey | null> {
    const candidates = this.options.legacy ? await this.options.legacy.candidates(secret) : [];
    if (candidates.length === 0) return this.loadByHash(hash);
    const ids = await this.redis.hmget(
      this.keys.apiKeysByHash(),
      hash,
      ...candidates.map((item) => item.hash),
    );
    if (ids[0]) return (await this.getStored(ids[0])) ?? null;
    for (const [index, candidate] of candidates.entries()) {
      const id = ids[index + 1];
      const legacy = id ? await this.getStored(id) : undefined;
      if (legacy?.hashScheme === 'peppered-sha256' && legacy.hash === candidate.hash) {
        return this.upgrade(legacy, secret, hash, candidate.prefix);
      }
    }
    return null;
  }

  private async upgrade(
    legacy: StoredApiKey,
    secret: string,
    hash: string,
    prefix: string,
  ): Promise<StoredApiKey> {
    const upgraded = await this.modify(legacy.id, (current) => {
      // Another instance may have upgraded it a moment ago: then there is nothing left to do.
      if (current.hashScheme !== 'peppered-sha256' || current.hash !== legacy.hash) return current;
      const { pepperId: _pepper, hashScheme: _scheme, ...rest } = current;
      return { ...rest, hash, hint: keyHint(secret, prefix) };
    });
    // New entry before the old one goes, so the key authenticates throughout.
    await execOrThrow(crossSlotPipeline(this.redis).hset(this.keys.apiKeysByHash(), hash, legacy.id));
    await this.redis.hdel(this.keys.apiKeysByHash(), legacy.hash);
    await this.cache.invalidate(this.bus, API_KEYS_TOPIC, hash);
    return upgraded;
  }

  private async loadByHash(hash: string): Promise<StoredApiKey | null> {
    const id = await this.redis.hget(this.keys.apiKeysByHash(), hash);
    if (!id) return null;
    return (await this.getStored(id)) ?? null;
  }

  private async requireStored(id: string): Promise<StoredApiKey> {
    const stored = await this.getStored(id);
    if (!stored) throw new AppError('not_found', `API key ${id} does not exist`);
    return stored;
  }

  private async getStored(id: string): Promise<StoredApiKey | undefined> {
    const raw = await this.redis.get(this.keys.apiKey(id));
    return raw ? parseStored(raw) : undefined;
  }

  private async modify(id: string, change: (current: StoredApiKey) => StoredApiKey): Promise<StoredApiKey> {
    const { previous, next } = await modifyRecord(
      this.context,
      this.keys.apiKey(id),
      id,
      { noun: 'API key', parse: parseStored },
      (current) => storedApiKeySchema.parse({ ...change(current), id, updatedAt: this.now() }),
    );
    await this.cache.invalidate(this.bus, API_KEYS_TOPIC, previous.hash);
    return next;
  }
}

function parseStored(raw: string): StoredApiKey {
  return storedApiKeySchema.parse(JSON.parse(raw));
}

/** Drops fields present as undefined, which a spread would otherwise write over stored values. */
function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}

export function toApiKey(stored: StoredApiKey): ApiKey {
  const { hash: _hash, ...key } = stored;
  return key;
}

function accepted(stored: StoredApiKey | null, hash: string): StoredApiKey {
  if (!stored || !sameHash(stored.hash, hash)) throw new AppError('unauthenticated', 'Invalid API key');
  return stored;
}

function enabled(key: StoredApiKey): StoredApiKey {
  if (!key.enabled) throw new AppError('unauthenticated', 'This API key is disabled');
  return key;
}
