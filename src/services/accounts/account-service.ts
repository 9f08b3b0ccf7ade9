// Upstream accounts: CRUD with sealed secrets, pool membership, and a cached runtime view for the relay.
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import { newId } from '../../lib/ids.js';
import { InvalidatingCache } from '../cache/invalidating-cache.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { EventBus } from '../events/event-bus.js';
import { pageOfRecords } from '../redis/pagination.js';
import { execOrThrow, modifyRecord, type RedisContext } from '../redis/record-store.js';
import { crossSlotPipeline } from '../redis/slot-spanning.js';
import { parseInput } from '../validation.js';
import {
  type Account,
  type AccountRuntime,
  type AccountSecrets,
  type AccountState,
  type AccountType,
  accountSecretsSchema,
  CREDENTIAL_OF,
  type CreateAccountInput,
  createAccountInputSchema,
  DEFAULT_AUTH_HEADER,
  defaultBaseUrl,
  missingSecrets,
  PLATFORM_OF,
  type StoredAccount,
  storedAccountSchema,
  type UpdateAccountInput,
  updateAccountInputSchema,
} from './account-types.js';

export const ACCOUNTS_TOPIC = 'accounts';

const disableReasonSchema = z.string().trim().min(1).max(500).optional();

export class AccountService {
  /** Opened accounts by id, and each pool's member list under `pool:<platform>`. */
  private readonly runtimes: InvalidatingCache<AccountRuntime | null>;
  /** Opened accounts of each pool, rebuilt on any account change: the scheduler reads this on every request. */
  private readonly pools: InvalidatingCache<AccountRuntime[]>;
  private readonly redis: RedisContext['redis'];
  private readonly keys: RedisContext['keys'];

  constructor(
    private readonly context: RedisContext,
    private readonly bus: EventBus,
    private readonly secretBox: SecretBox,
    private readonly now: () => number = Date.now,
  ) {
    this.redis = context.redis;
    this.keys = context.keys;
    this.runtimes = new InvalidatingCache({ ttlMs: 60_000, maxEntries: 10_000, now });
    this.pools = new InvalidatingCache({ ttlMs: 60_000, maxEntries: 100, now });
  }

  async start(): Promise<() => Promise<void>> {
    // One message names the account that changed; pool lists are small, so any change refreshes them all.
    const detachRuntimes = await this.runtimes.attach(this.bus, ACCOUNTS_TOPIC);
    const detachPools = await this.bus.subscribe(ACCOUNTS_TOPIC, {
      onMessage: () => this.pools.clear(),
      onResync: () => this.pools.clear(),
    });
    return async () => {
      await detachRuntimes();
      await detachPools();
    };
  }

  /** Tells every instance the account changed, this one at once (see InvalidatingCache.invalidate). */
  private async announce(id: string): Promise<void> {
    this.pools.clear();
    await this.runtimes.invalidate(this.bus, ACCOUNTS_TOPIC, id);
  }

  async create(input: CreateAccountInput): Promise<Account> {
    const stored = this.build(newId('acc'), input, { kind: 'active' });
    await this.insert(stored);
    return toAccount(stored);
  }

  /**
   * Writes an account brought from elsewhere (an import) under the id the import chose, with the state it had
   * there, unless an account with that id exists (a re-run, or a resumed run). Returns whether it was written.
   */
  async importAccount(id: string, input: CreateAccountInput, state: AccountState): Promise<boolean> {
    const stored = this.build(id, input, state);
    const existing = await this.getStored(id);
    // Written before: its index entries are put back from the record as it is (a run may have stopped there).
    await this.insert(existing ?? stored, existing === undefined);
    return existing === undefined;
  }

  /** Throws what `create` would throw for these settings, writing nothing: a dry run's check. */
  check(input: CreateAccountInput): void {
    this.build('acc_check', input, { kind: 'active' });
  }

  /** Validates an account's settings and seals its credentials: the one way a stored account is made. */
  private build(id: string, input: CreateAccountInput, state: AccountState): StoredAccount {
    const fields = parseInput(createAccountInputSchema, input);
    // AWS credentials are signed for a region, which also picks the endpoint.
    if (CREDENTIAL_OF[fields.type] === 'aws' && !fields.region) {
      throw new AppError('invalid_request', `region: is required for ${fields.type} accounts`, {
        details: { field: 'region' },
      });
    }
    const baseUrl = fields.baseUrl ?? defaultBaseUrl(fields.type, fields.region);
    if (!baseUrl) {
      throw new AppError('invalid_request', `baseUrl: is required for ${fields.type} accounts`, {
        details: { field: 'baseUrl' },
      });
    }
    requireSecrets(fields.type, fields.credentials);
    requireKindSettings(fields.type, fields);
    const now = this.now();
    const { credentials, ...config } = fields;
    return {
      ...config,
      id,
      baseUrl,
      authHeader: fields.authHeader ?? DEFAULT_AUTH_HEADER[fields.type],
      platform: PLATFORM_OF[fields.type],
      state,
      sealedSecrets: this.secretBox.seal(JSON.stringify(credentials), id),
      createdAt: now,
      updatedAt: now,
    };
  }

  /** Writes the record (unless `withRecord` is false: only its index entries) in one pipeline. */
  private async insert(stored: StoredAccount, withRecord = true): Promise<void> {
    const pipeline = crossSlotPipeline(this.redis);
    if (withRecord) pipeline.set(this.keys.account(stored.id), JSON.stringify(stored));
    pipeline
      .zadd(this.keys.accountsIndex(), 'NX', stored.createdAt, stored.id)
      .sadd(this.keys.poolMembers(stored.platform), stored.id);
    await execOrThrow(pipeline);
    await this.announce(stored.id);
  }

  async get(id: string): Promise<Account | undefined> {
    const stored = await this.getStored(id);
    return stored && toAccount(stored);
  }

  async list(
    options: { limit?: number; cursor?: string } = {},
  ): Promise<{ items: Account[]; nextCursor?: string }> {
    return pageOfRecords(this.redis, this.keys.accountsIndex(), options, this.keys.account, (raw) =>
      toAccount(parseStored(raw)),
    );
  }

  async update(id: string, patch: UpdateAccountInput): Promise<Account> {
    const changes = parseInput(updateAccountInputSchema, patch);
    const { credentials, ...config } = changes;
    const updated = await this.modify(id, (current) => {
      requireKindSettings(current.type, config);
      const next: StoredAccount = { ...current, ...config };
      if (credentials) {
        const secrets = accountSecretsSchema.parse({ ...this.openSecrets(current), ...credentials });
        requireSecrets(current.type, secrets);
        next.sealedSecrets = this.secretBox.seal(JSON.stringify(secrets), id);
      }
      return next;
    });
    return toAccount(updated);
  }

  async setSchedulable(id: string, schedulable: boolean): Promise<Account> {
    return toAccount(await this.modify(id, (current) => ({ ...current, schedulable })));
  }

  async disable(id: string, reason?: string): Promise<Account> {
    const checkedReason = parseInput(disableReasonSchema, reason);
    const since = this.now();
    return toAccount(
      await this.modify(id, (current) => {
        // Disabling again keeps the original time, so "disabled since" stays true.
        const from = current.state.kind === 'disabled' ? current.state.since : since;
        const state: AccountState =
          checkedReason === undefined
            ? { kind: 'disabled', since: from }
            : { kind: 'disabled', since: from, reason: checkedReason };
        return { ...current, state };
      }),
    );
  }

  async require(id: string): Promise<Account> {
    const account = await this.get(id);
    if (!account) throw new AppError('not_found', `Account ${id} does not exist`);
    return account;
  }

  async enable(id: string): Promise<Account> {
    return toAccount(await this.modify(id, (current) => ({ ...current, state: { kind: 'active' } })));
  }

  async delete(id: string): Promise<void> {
    const stored = await this.getStored(id);
    if (!stored) throw new AppError('not_found', `Account ${id} does not exist`);
    await execOrThrow(
      crossSlotPipeline(this.redis)
        .srem(this.keys.poolMembers(stored.platform), id)
        .zrem(this.keys.accountsIndex(), id)
        .del(this.keys.account(id), this.keys.accountHistory(id), this.keys.accountTests(id))
        .del(this.keys.poolSchedule(stored.platform, id))
        .hdel(this.keys.poolLastUsed(stored.platform), id),
    );
    await this.announce(id);
  }

  /** The opened account for an upstream call; cached, so the relay's hot path does not touch Redis here. */
  async runtime(id: string): Promise<AccountRuntime | undefined> {
    const runtime = await this.runtimes.getOrLoad(id, async () => {
      const stored = await this.getStored(id);
      return stored ? { account: stored, secrets: this.openSecrets(stored) } : null;
    });
    return runtime ?? undefined;
  }

  /**
   * The opened account read from Redis now, bypassing the cache: for a caller that must see a write another
   * instance has just made (the OAuth refresh, under its lock), before the invalidation message arrives.
   */
  async loadRuntime(id: string): Promise<AccountRuntime | undefined> {
    const stored = await this.getStored(id);
    return stored && { account: stored, secrets: this.openSecrets(stored) };
  }

  /**
   * Replaces an account's secrets by compare-and-swap: `change` sees the secrets as stored and may run more
   * than once. Every instance drops its cached runtime, so the next request presents the new secrets.
   */
  async replaceSecrets(
    id: string,
    change: (current: AccountSecrets) => AccountSecrets,
  ): Promise<AccountRuntime> {
    const account = await this.modify(id, (current) => {
      const secrets = accountSecretsSchema.parse(change(this.openSecrets(current)));
      requireSecrets(current.type, secrets);
      return { ...current, sealedSecrets: this.secretBox.seal(JSON.stringify(secrets), id) };
    });
    return { account, secrets: this.openSecrets(account) };
  }

  /** Every account of a pool, opened; the scheduler filters these and asks Redis only for live state. */
  poolRuntimes(platform: string): AccountRuntime[] | Promise<AccountRuntime[]> {
    // The common case answers synchronously: no promise per request for a value already in memory.
    return this.pools.get(platform) ?? this.pools.getOrLoad(platform, () => this.loadPool(platform));
  }

  private async loadPool(platform: string): Promise<AccountRuntime[]> {
    const ids = (await this.redis.smembers(this.keys.poolMembers(platform))).sort();
    const runtimes = await Promise.all(ids.map((id) => this.runtime(id)));
    return runtimes.filter((runtime): runtime is AccountRuntime => runtime !== undefined);
  }

  private openSecrets(stored: StoredAccount): AccountSecrets {
    return accountSecretsSchema.parse(JSON.parse(this.secretBox.open(stored.sealedSecrets, stored.id)));
  }

  private async getStored(id: string): Promise<StoredAccount | undefined> {
    const raw = await this.redis.get(this.keys.account(id));
    return raw ? parseStored(raw) : undefined;
  }

  private async modify(
    id: string,
    change: (current: StoredAccount) => StoredAccount,
  ): Promise<StoredAccount> {
    const { next } = await modifyRecord(
      this.context,
      this.keys.account(id),
      id,
      { noun: 'Account', parse: parseStored },
      (current) => storedAccountSchema.parse({ ...change(current), id, updatedAt: this.now() }),
    );
    await this.announce(id);
    return next;
  }
}

function requireSecrets(type: StoredAccount['type'], secrets: AccountSecrets): void {
  const missing = missingSecrets(type, secrets);
  if (missing.length > 0) {
    throw new AppError('invalid_request', `${missing.join(', ')}: required for ${type} accounts`, {
      details: { field: missing[0] },
    });
  }
}

function parseStored(raw: string): StoredAccount {
  return storedAccountSchema.parse(JSON.parse(raw));
}

function toAccount(stored: StoredAccount): Account {
  const { sealedSecrets: _sealed, ...account } = stored;
  return account;
}

/** Settings only one kind reads are refused on another, where they would be stored and silently ignored. */
function requireKindSettings(type: AccountType, settings: { projectId?: string | undefined }): void {
  if (settings.projectId !== undefined && type !== 'gemini-oauth') {
    throw new AppError('invalid_request', `projectId: is only for gemini-oauth accounts, not ${type}`, {
      details: { field: 'projectId' },
    });
  }
}
