// Reads a CRS Redis into a plan: every account, group, user and API key, each already mapped to what it would
// become here (or why it cannot), before anything is written.
import type { AccountSecrets } from '../../accounts/account-types.js';
import type { AccountMapping, CrsAccountKind } from './accounts/crs-account-common.js';
import { CRS_ACCOUNT_KINDS } from './crs-account-kinds.js';
import type { CrsFields } from './crs-fields.js';
import { type KeyMapping, mapCrsKey } from './crs-keys.js';
import type { CrsSecrets } from './crs-secrets.js';
import type { CrsSource, CrsValue } from './crs-source.js';
import { type CrsKeySpend, readKeySpend } from './crs-usage.js';

export interface PlannedAccount {
  kind: CrsAccountKind;
  crsId: string;
  name: string | undefined;
  /** CRS's accountType: `dedicated` and `group` accounts serve only keys bound to them there. */
  accountType: string | undefined;
  mapping: AccountMapping;
  notes: string[];
}

export interface PlannedGroup {
  crsId: string;
  name: string;
  platform: string;
  description: string | undefined;
  memberIds: string[];
}

export interface PlannedUser {
  crsId: string;
  username: string;
  active: boolean;
  deleted: boolean;
  role: string;
}

export interface PlannedKey {
  crsId: string;
  name: string | undefined;
  ownerCrsId: string | undefined;
  mapping: KeyMapping;
  spend: CrsKeySpend | undefined;
}

export interface CrsPlan {
  accounts: PlannedAccount[];
  groups: PlannedGroup[];
  users: PlannedUser[];
  keys: PlannedKey[];
  warnings: string[];
}

/** CRS index keys that share the `apikey:` prefix with key records (redis.js scanApiKeyIds). */
const KEY_INDEX_PREFIXES = ['apikey:hash_map', 'apikey:idx:', 'apikey:set:', 'apikey:tags:', 'apikey:index:'];

export async function readAccounts(source: CrsSource, secrets: CrsSecrets): Promise<PlannedAccount[]> {
  const planned: PlannedAccount[] = [];
  for (const kind of CRS_ACCOUNT_KINDS) {
    const ids = await recordIds(source, kind.prefix, kind.index);
    const values = await source.values(ids.map((id) => `${kind.prefix}${id}`));
    for (const id of ids) {
      const value = values.get(`${kind.prefix}${id}`);
      planned.push(planAccount(kind, id, value, secrets));
    }
  }
  return planned;
}

function planAccount(
  kind: CrsAccountKind,
  crsId: string,
  value: CrsValue | undefined,
  secrets: CrsSecrets,
): PlannedAccount {
  const notes: string[] = [];
  let fields: CrsFields | undefined;
  try {
    fields = recordFields(value, kind.storage);
  } catch {
    return plannedSkip(kind, crsId, 'unreadable record: not valid JSON', notes);
  }
  if (!fields) {
    const found = value?.type === 'other' ? value.redisType : (value?.type ?? 'none');
    const expected = kind.storage === 'json' ? 'a JSON string' : 'a hash';
    return plannedSkip(kind, crsId, `stored as ${found}, expected ${expected}`, notes);
  }
  try {
    const mapping = kind.map({
      fields,
      notes,
      open: (stored) => secrets.open(stored, kind.derivation),
      openPair: (encrypted, iv) => secrets.openPair(encrypted, iv, kind.derivation),
    });
    return { kind, crsId, name: fields.name, accountType: fields.accountType, mapping, notes };
  } catch (error) {
    return plannedSkip(
      kind,
      crsId,
      `unreadable record: ${error instanceof Error ? error.message : String(error)}`,
      notes,
    );
  }
}

function plannedSkip(kind: CrsAccountKind, crsId: string, reason: string, notes: string[]): PlannedAccount {
  return { kind, crsId, name: undefined, accountType: undefined, mapping: { ok: false, reason }, notes };
}

/** A record's fields as strings; JSON records (Bedrock) are flattened the way CRS's hashes store values. */
function recordFields(value: CrsValue | undefined, storage: 'hash' | 'json'): CrsFields | undefined {
  if (storage === 'hash') return value?.type === 'hash' ? value.fields : undefined;
  if (value?.type !== 'string') return undefined;
  const parsed: unknown = JSON.parse(value.value);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  return Object.fromEntries(
    Object.entries(parsed).map(([field, item]) => [
      field,
      item === null || item === undefined
        ? ''
        : typeof item === 'object'
          ? JSON.stringify(item)
          : String(item),
    ]),
  );
}

/** Ids of one prefix's records: its index set and a SCAN together (CRS's own indexes can lag). */
async function recordIds(source: CrsSource, prefix: string, index: string | undefined): Promise<string[]> {
  const ids = new Set(index ? await source.members(index) : []);
  for (const key of await source.keys(`${prefix}*`)) {
    const rest = key.slice(prefix.length);
    if (rest && rest !== 'index' && !rest.includes(':')) ids.add(rest);
  }
  return [...ids].sort();
}

export async function readGroups(source: CrsSource): Promise<PlannedGroup[]> {
  const ids = await source.members('account_groups');
  const values = await source.values(ids.map((id) => `account_group:${id}`));
  const groups: PlannedGroup[] = [];
  for (const id of ids) {
    const value = values.get(`account_group:${id}`);
    if (value?.type !== 'hash') continue;
    groups.push({
      crsId: id,
      name: value.fields.name ?? id,
      platform: value.fields.platform ?? '',
      description: value.fields.description || undefined,
      memberIds: await source.members(`account_group_members:${id}`),
    });
  }
  return groups;
}

/** CRS's users (userService: JSON at `user:{id}`, ids in `user:index`), whom API keys name as their owner. */
export async function readUsers(source: CrsSource): Promise<PlannedUser[]> {
  const ids = await source.members('user:index');
  const values = await source.values(ids.map((id) => `user:${id}`));
  const users: PlannedUser[] = [];
  for (const id of ids) {
    const value = values.get(`user:${id}`);
    if (value?.type !== 'string') continue;
    try {
      const user = JSON.parse(value.value) as Record<string, unknown>;
      if (typeof user.username !== 'string') continue;
      users.push({
        crsId: id,
        username: user.username,
        active: user.isActive !== false,
        deleted: Boolean(user.deletedAt),
        role: typeof user.role === 'string' ? user.role : 'user',
      });
    } catch {
      // A user record that is not JSON is not one CRS could read either.
    }
  }
  return users;
}

export async function readKeys(source: CrsSource, at: number, timezoneOffset: number): Promise<PlannedKey[]> {
  const ids = (await source.keys('apikey:*'))
    .filter(
      (key) => !KEY_INDEX_PREFIXES.some((prefix) => key.startsWith(prefix)) && key.split(':').length === 2,
    )
    .map((key) => key.slice('apikey:'.length));
  const values = await source.values(ids.map((id) => `apikey:${id}`));
  const keys: PlannedKey[] = [];
  for (const id of ids) {
    const value = values.get(`apikey:${id}`);
    if (value?.type !== 'hash') {
      const found = value?.type === 'other' ? value.redisType : (value?.type ?? 'none');
      keys.push({
        crsId: id,
        name: undefined,
        ownerCrsId: undefined,
        mapping: { ok: false, reason: `stored as ${found}, expected a hash` },
        spend: undefined,
      });
      continue;
    }
    const fields = value.fields;
    let mapping: KeyMapping;
    try {
      mapping = mapCrsKey(fields);
    } catch (error) {
      mapping = {
        ok: false,
        reason: `unreadable record: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    const spend = mapping.ok ? await readKeySpend(source, id, fields, at, timezoneOffset) : undefined;
    keys.push({ crsId: id, name: fields.name, ownerCrsId: fields.userId || undefined, mapping, spend });
  }
  return keys;
}

/**
 * Records that look like accounts of a kind this import does not know (a hash named `…account…:<id>` whose
 * `id` field is that id), so a CRS newer than the one this was written against does not lose them silently.
 */
export async function unknownAccountKinds(source: CrsSource): Promise<string[]> {
  const known = CRS_ACCOUNT_KINDS.map((kind) => kind.prefix);
  const candidates = (await source.keys('*account*')).filter(
    (key) => !known.some((prefix) => key.startsWith(prefix)) && !key.startsWith('account_group'),
  );
  const values = await source.values(candidates);
  const unknown = new Map<string, number>();
  for (const key of candidates) {
    const value = values.get(key);
    const id = key.slice(key.lastIndexOf(':') + 1);
    if (value?.type !== 'hash' || value.fields.id !== id || !value.fields.name) continue;
    const prefix = key.slice(0, key.length - id.length);
    unknown.set(prefix, (unknown.get(prefix) ?? 0) + 1);
  }
  return [...unknown].map(
    ([prefix, count]) =>
      `${count} record(s) under ${prefix}* look like accounts of a kind this import does not know; not imported`,
  );
}

/** The secrets an account mapping carries, for nothing but counting in tests and reports. */
export type PlannedSecrets = AccountSecrets;
