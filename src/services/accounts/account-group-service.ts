// Account groups: CRUD and membership, with a cached member list the scheduler reads on every bound request.
import { AppError } from '../../errors/app-error.js';
import { newId } from '../../lib/ids.js';
import { InvalidatingCache } from '../cache/invalidating-cache.js';
import type { EventBus } from '../events/event-bus.js';
import { pageOfRecords } from '../redis/pagination.js';
import { execOrThrow, modifyRecord, type RedisContext } from '../redis/record-store.js';
import { crossSlotPipeline } from '../redis/slot-spanning.js';
import { parseInput } from '../validation.js';
import {
  type AccountGroup,
  accountGroupSchema,
  type CreateGroupInput,
  createGroupInputSchema,
  memberIdsSchema,
  type UpdateGroupInput,
  updateGroupInputSchema,
} from './account-group-types.js';
import type { AccountService } from './account-service.js';

export const ACCOUNT_GROUPS_TOPIC = 'account-groups';

export class AccountGroupService {
  private readonly cache: InvalidatingCache<AccountGroup | null>;

  constructor(
    private readonly context: RedisContext,
    private readonly bus: EventBus,
    private readonly accounts: AccountService,
    private readonly now: () => number = Date.now,
  ) {
    this.cache = new InvalidatingCache({ ttlMs: 60_000, maxEntries: 10_000, now });
  }

  start(): Promise<() => Promise<void>> {
    return this.cache.attach(this.bus, ACCOUNT_GROUPS_TOPIC);
  }

  async create(input: CreateGroupInput): Promise<AccountGroup> {
    const group = await this.build(newId('grp'), input);
    await this.insert(group);
    return group;
  }

  /** Writes a group brought from elsewhere under the id the import chose, unless it exists; says if it wrote. */
  async importGroup(id: string, input: CreateGroupInput): Promise<boolean> {
    const group = await this.build(id, input);
    const existing = await this.get(id);
    // Written before: its index entry is put back from the record as it is (a run may have stopped there).
    await this.insert(existing ?? group, existing === undefined);
    return existing === undefined;
  }

  private async build(id: string, input: CreateGroupInput): Promise<AccountGroup> {
    const fields = parseInput(createGroupInputSchema, input);
    await this.requireMembers(fields.platform, fields.memberIds);
    const now = this.now();
    return {
      id,
      name: fields.name,
      platform: fields.platform,
      ...(fields.description === undefined ? {} : { description: fields.description }),
      memberIds: [...new Set(fields.memberIds)],
      createdAt: now,
      updatedAt: now,
    };
  }

  /** Writes the group (unless `withRecord` is false: only its index entry). */
  private async insert(group: AccountGroup, withRecord = true): Promise<void> {
    const { redis, keys } = this.context;
    const pipeline = crossSlotPipeline(redis);
    if (withRecord) pipeline.set(keys.accountGroup(group.id), JSON.stringify(group));
    pipeline.zadd(keys.accountGroupsIndex(), 'NX', group.createdAt, group.id);
    await execOrThrow(pipeline);
    await this.cache.invalidate(this.bus, ACCOUNT_GROUPS_TOPIC, group.id);
  }

  async get(id: string): Promise<AccountGroup | undefined> {
    const raw = await this.context.redis.get(this.context.keys.accountGroup(id));
    return raw ? parse(raw) : undefined;
  }

  async require(id: string): Promise<AccountGroup> {
    const group = await this.get(id);
    if (!group) throw new AppError('not_found', `Account group ${id} does not exist`);
    return group;
  }

  async list(
    options: { limit?: number; cursor?: string } = {},
  ): Promise<{ items: AccountGroup[]; nextCursor?: string }> {
    const { redis, keys } = this.context;
    return pageOfRecords(redis, keys.accountGroupsIndex(), options, keys.accountGroup, parse);
  }

  async update(id: string, patch: UpdateGroupInput): Promise<AccountGroup> {
    const changes = parseInput(updateGroupInputSchema, patch);
    return this.modify(id, (current) => {
      const { description, ...rest } = changes;
      const next: AccountGroup = { ...current, ...rest };
      if (description === null) delete next.description;
      else if (description !== undefined) next.description = description;
      return next;
    });
  }

  async addMembers(id: string, accountIds: readonly string[]): Promise<AccountGroup> {
    const ids = parseInput(memberIdsSchema, accountIds);
    const group = await this.require(id);
    await this.requireMembers(group.platform, ids);
    return this.modify(id, (current) => ({
      ...current,
      memberIds: [...new Set([...current.memberIds, ...ids])],
    }));
  }

  async removeMembers(id: string, accountIds: readonly string[]): Promise<AccountGroup> {
    const ids = new Set(parseInput(memberIdsSchema, accountIds));
    return this.modify(id, (current) => ({
      ...current,
      memberIds: current.memberIds.filter((member) => !ids.has(member)),
    }));
  }

  async delete(id: string): Promise<void> {
    const { redis, keys } = this.context;
    const [[, removed] = [null, 0]] = await execOrThrow(
      crossSlotPipeline(redis).del(keys.accountGroup(id)).zrem(keys.accountGroupsIndex(), id),
    );
    if (removed === 0) throw new AppError('not_found', `Account group ${id} does not exist`);
    await this.cache.invalidate(this.bus, ACCOUNT_GROUPS_TOPIC, id);
  }

  /**
   * The group's member ids for the scheduler; synchronous once cached. A deleted group has no members, so a
   * key still bound to it behaves as bound to nothing that can serve.
   */
  members(id: string): ReadonlySet<string> | Promise<ReadonlySet<string>> {
    const cached = this.cache.get(id);
    if (cached !== undefined) return memberSet(cached);
    return this.cache.getOrLoad(id, async () => (await this.get(id)) ?? null).then(memberSet);
  }

  private async requireMembers(platform: string, ids: readonly string[]): Promise<void> {
    for (const accountId of ids) {
      const account = await this.accounts.get(accountId);
      if (!account) {
        throw new AppError('invalid_request', `memberIds: account ${accountId} does not exist`, {
          details: { field: 'memberIds' },
        });
      }
      if (account.platform !== platform) {
        throw new AppError(
          'invalid_request',
          `memberIds: account ${accountId} is not in the ${platform} pool`,
          {
            details: { field: 'memberIds' },
          },
        );
      }
    }
  }

  private async modify(id: string, change: (current: AccountGroup) => AccountGroup): Promise<AccountGroup> {
    const { next } = await modifyRecord(
      this.context,
      this.context.keys.accountGroup(id),
      id,
      { noun: 'Account group', parse },
      (current) => accountGroupSchema.parse({ ...change(current), id, updatedAt: this.now() }),
    );
    await this.cache.invalidate(this.bus, ACCOUNT_GROUPS_TOPIC, id);
    return next;
  }
}

const memberSets = new WeakMap<AccountGroup, ReadonlySet<string>>();
const EMPTY: ReadonlySet<string> = new Set();

function memberSet(group: AccountGroup | null): ReadonlySet<string> {
  if (!group) return EMPTY;
  let set = memberSets.get(group);
  if (!set) {
    set = new Set(group.memberIds);
    memberSets.set(group, set);
  }
  return set;
}

function parse(raw: string): AccountGroup {
  return accountGroupSchema.parse(JSON.parse(raw));
}
