// Writes a CRS plan (or, in a dry run, says what would be written), record by record, under ids claimed in
// the import's id map; a record that fails is reported and the rest go on.
import { AppError } from '../../../errors/app-error.js';
import { spendCounters } from '../../admission/spend-counters.js';
import type { Platform } from '../../domain/platforms.js';
import { crossSlotPipeline } from '../../redis/slot-spanning.js';
import { usernameSchema } from '../../users/user-types.js';
import type { ReportItem } from '../import-report.js';
import { accountRef, groupRef, type ImportedIds, keyRef, userRef } from '../imported-ids.js';
import type { CrsBindingTarget } from './crs-fields.js';
import type { CrsImportDeps } from './crs-import.js';
import type { PlannedAccount, PlannedGroup, PlannedKey, PlannedUser } from './crs-read.js';

export interface WriteContext {
  deps: CrsImportDeps;
  ids: ImportedIds;
  dryRun: boolean;
  now: number;
}

/** CRS group platforms → our pools, and the CRS account kinds each holds. */
const GROUP_POOLS: Record<string, { platform: Platform; kinds: readonly string[] }> = {
  claude: { platform: 'claude', kinds: ['claude', 'claude-console', 'ccr', 'bedrock'] },
  gemini: { platform: 'gemini', kinds: ['gemini', 'gemini-api'] },
  openai: { platform: 'openai', kinds: ['openai', 'openai-responses'] },
  azure_openai: { platform: 'azure', kinds: ['azure-openai'] },
  droid: { platform: 'droid', kinds: ['droid'] },
};

function failure(error: unknown): string {
  if (error instanceof AppError) return error.message;
  throw error;
}

export async function writeAccounts(
  context: WriteContext,
  planned: readonly PlannedAccount[],
): Promise<ReportItem[]> {
  const items: ReportItem[] = [];
  for (const account of planned) {
    const item: ReportItem = {
      entity: 'account',
      kind: account.kind.kind,
      sourceId: account.crsId,
      ...(account.name ? { name: account.name } : {}),
      outcome: 'skipped',
      notes: account.notes,
    };
    items.push(item);
    if (!account.mapping.ok) {
      item.reason = account.mapping.reason;
      continue;
    }
    const { input, state } = account.mapping;
    const ref = accountRef(account.kind.kind, account.crsId);
    try {
      if (context.dryRun) {
        const existing = await context.ids.find(ref);
        const known = existing !== undefined && (await context.deps.accounts.get(existing)) !== undefined;
        if (!known) context.deps.accounts.check(input);
        Object.assign(item, {
          outcome: known ? 'unchanged' : 'imported',
          ...(known ? { targetId: existing } : {}),
        });
      } else {
        const id = await context.ids.claim(ref, 'acc');
        const written = await context.deps.accounts.importAccount(id, input, state);
        Object.assign(item, { outcome: written ? 'imported' : 'unchanged', targetId: id });
      }
      if (state.kind === 'disabled') item.notes.push(`imported disabled: ${state.reason ?? 'disabled'}`);
      if (input.dedicated) {
        item.notes.push(`${account.accountType} in CRS: serves only keys bound to it or to a group it is in`);
      }
    } catch (error) {
      item.reason = failure(error);
    }
  }
  return items;
}

export async function writeGroups(
  context: WriteContext,
  groups: readonly PlannedGroup[],
  accounts: readonly PlannedAccount[],
): Promise<ReportItem[]> {
  const items: ReportItem[] = [];
  for (const group of groups) {
    const item: ReportItem = {
      entity: 'group',
      kind: group.platform,
      sourceId: group.crsId,
      name: group.name,
      outcome: 'skipped',
      notes: [],
    };
    items.push(item);
    const pool = GROUP_POOLS[group.platform];
    if (!pool) {
      item.reason = `platform "${group.platform}" has no pool here`;
      continue;
    }
    const memberIds: string[] = [];
    for (const crsId of group.memberIds) {
      const member = accounts.find(
        (account) => account.crsId === crsId && pool.kinds.includes(account.kind.kind),
      );
      const id = member?.mapping.ok ? await context.ids.find(accountRef(member.kind.kind, crsId)) : undefined;
      if (id) memberIds.push(id);
      else if (context.dryRun && member?.mapping.ok) memberIds.push(crsId);
      else item.notes.push(`member ${crsId} left out: that account was not imported`);
    }
    const ref = groupRef(group.crsId);
    try {
      if (context.dryRun) {
        const existing = await context.ids.find(ref);
        const known = existing !== undefined && (await context.deps.groups.get(existing)) !== undefined;
        Object.assign(item, {
          outcome: known ? 'unchanged' : 'imported',
          ...(known ? { targetId: existing } : {}),
        });
      } else {
        const id = await context.ids.claim(ref, 'grp');
        const input = {
          name: group.name.trim().slice(0, 100) || group.crsId,
          platform: pool.platform,
          ...(group.description ? { description: group.description.slice(0, 1000) } : {}),
          memberIds,
        };
        const written = await context.deps.groups.importGroup(id, input);
        Object.assign(item, { outcome: written ? 'imported' : 'unchanged', targetId: id });
      }
    } catch (error) {
      item.reason = failure(error);
    }
  }
  return items;
}

/**
 * CRS's users own its keys. Each becomes a member here (whatever their CRS role: an import grants no
 * privilege) with a random password nobody knows, as CRS signed them in through LDAP; an admin sets one.
 * A user of ours with the same name is taken to be the same person.
 */
export async function writeUsers(
  context: WriteContext,
  users: readonly PlannedUser[],
  newPassword: () => string,
): Promise<ReportItem[]> {
  const items: ReportItem[] = [];
  for (const user of users) {
    const item: ReportItem = {
      entity: 'user',
      sourceId: user.crsId,
      name: user.username,
      outcome: 'skipped',
      notes: [],
    };
    items.push(item);
    if (user.deleted) {
      item.reason = 'deleted in CRS';
      continue;
    }
    const username = usernameSchema.safeParse(user.username);
    if (!username.success) {
      item.reason = 'the username is not one this relay accepts (3-64 letters, digits, _ . or -)';
      continue;
    }
    try {
      const existing = await context.deps.users.findByUsername(username.data);
      if (existing) {
        Object.assign(item, { outcome: 'unchanged', targetId: existing.id });
        if (!context.dryRun) await context.ids.record(userRef(user.crsId), existing.id);
        continue;
      }
      if (user.role === 'admin') item.notes.push('an admin in CRS; imported as a member');
      item.notes.push(
        'no password yet (CRS signed users in through LDAP): set one with `users reset-password`',
      );
      if (context.dryRun) {
        item.outcome = 'imported';
        continue;
      }
      const created = await context.deps.users.create({
        username: username.data,
        password: newPassword(),
        role: 'member',
      });
      if (!user.active) await context.deps.users.update(created.id, { disabled: true });
      await context.ids.record(userRef(user.crsId), created.id);
      Object.assign(item, { outcome: 'imported', targetId: created.id });
    } catch (error) {
      item.reason = failure(error);
    }
  }
  return items;
}

export async function writeKeys(
  context: WriteContext,
  keys: readonly PlannedKey[],
  options: { pepperId: string | undefined; keyPrefix: string; users: readonly PlannedUser[] },
): Promise<ReportItem[]> {
  const items: ReportItem[] = [];
  for (const planned of keys) {
    const item: ReportItem = {
      entity: 'api-key',
      sourceId: planned.crsId,
      ...(planned.name ? { name: planned.name } : {}),
      outcome: 'skipped',
      notes: planned.mapping.ok ? planned.mapping.key.notes : [],
    };
    items.push(item);
    if (!planned.mapping.ok) {
      item.reason = planned.mapping.reason;
      continue;
    }
    const key = planned.mapping.key;
    const spend = planned.spend;
    // CRS refuses a key whose owner is disabled, deleted or gone, whatever the key's own switch says.
    const owner = options.users.find((user) => user.crsId === planned.ownerCrsId);
    const ownerRefuses = planned.ownerCrsId !== undefined && (!owner?.active || owner.deleted);
    if (ownerRefuses && key.input.enabled !== false) {
      item.notes.push(
        'its owner in CRS is disabled, deleted or missing, so CRS refused it: imported disabled',
      );
    }
    if (spend && spend.totalMicros > 0) {
      item.notes.push(
        `spend carried over: $${dollars(spend.totalMicros)} in all, $${dollars(spend.todayMicros)} today, $${dollars(spend.monthMicros)} this month (${spend.requests} requests in CRS)`,
      );
    }
    try {
      const ref = keyRef(planned.crsId);
      const existing = await context.ids.find(ref);
      if (context.dryRun && existing !== undefined && (await context.deps.apiKeys.get(existing))) {
        Object.assign(item, { outcome: 'unchanged', targetId: existing });
        continue;
      }
      const bindings = await resolveBindings(context, key.bindings, item.notes);
      const ownerId = planned.ownerCrsId ? await context.ids.find(userRef(planned.ownerCrsId)) : undefined;
      if (planned.ownerCrsId && !ownerId && !context.dryRun) {
        item.notes.push(`owner ${planned.ownerCrsId} is not a user here; imported without an owner`);
      }
      if (context.dryRun || !options.pepperId) {
        item.outcome = 'imported';
        continue;
      }
      const id = await context.ids.claim(ref, 'key');
      // Counters first, and only while the key is not there: a key record that exists has its spend beside it.
      if (!(await context.deps.apiKeys.get(id))) await writeSpend(context, id, planned, key.input.expiry);
      const written = await context.deps.apiKeys.importKey({
        id,
        fields: {
          ...key.input,
          ...(ownerRefuses ? { enabled: false } : {}),
          bindings,
          ...(ownerId ? { ownerId } : {}),
        },
        legacyHash: key.legacyHash,
        pepperId: options.pepperId,
        hint: `${options.keyPrefix}… (from CRS)`,
        createdAt: key.createdAt,
      });
      Object.assign(item, { outcome: written ? 'imported' : 'unchanged', targetId: id });
    } catch (error) {
      item.reason = failure(error);
    }
  }
  return items;
}

async function resolveBindings(
  context: WriteContext,
  bindings: Partial<Record<Platform, CrsBindingTarget>>,
  notes: string[],
): Promise<Partial<Record<Platform, { accountId: string } | { groupId: string }>>> {
  const resolved: Partial<Record<Platform, { accountId: string } | { groupId: string }>> = {};
  for (const [platform, target] of Object.entries(bindings) as Array<
    [Platform, CrsBindingTarget | undefined]
  >) {
    if (!target) continue;
    const ref = 'groupId' in target ? groupRef(target.groupId) : accountRef(target.kind, target.accountId);
    const id = await context.ids.find(ref);
    if (id) resolved[platform] = 'groupId' in target ? { groupId: id } : { accountId: id };
    else if (!context.dryRun) notes.push(`${platform} binding to ${ref} dropped: it was not imported`);
  }
  return resolved;
}

async function writeSpend(
  context: WriteContext,
  keyId: string,
  planned: PlannedKey,
  expiry: { kind: string } | undefined,
): Promise<void> {
  const { redis, keys } = context.deps.context;
  const prefix = keys.apiKeySlotPrefix(keyId);
  const spend = planned.spend;
  const pipeline = crossSlotPipeline(redis);
  if (spend) {
    const counters = spendCounters({ limits: {} }, context.deps.calendar.periodsAt(context.now), undefined);
    const values: Record<string, number> = {
      daily: spend.todayMicros,
      weekly: spend.opusWeekMicros,
      monthly: spend.monthMicros,
      total: spend.totalMicros,
    };
    for (const counter of counters) {
      const value = values[counter.name] ?? 0;
      if (value <= 0) continue;
      if (counter.ttlSeconds > 0) pipeline.set(`${prefix}${counter.suffix}`, value, 'EX', counter.ttlSeconds);
      else pipeline.set(`${prefix}${counter.suffix}`, value);
    }
  }
  const activatedAt = planned.mapping.ok ? planned.mapping.key.activatedAt : undefined;
  if (activatedAt !== undefined && expiry?.kind === 'after-first-use')
    pipeline.set(`${prefix}activated`, activatedAt);
  if (pipeline.length > 0) await pipeline.exec();
}

function dollars(micros: number): string {
  return (micros / 1_000_000).toFixed(2);
}
