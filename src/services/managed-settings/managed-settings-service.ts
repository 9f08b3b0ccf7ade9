// Managed settings policies in one Redis hash (there are few), and the settings each user is served: every
// policy that applies to them merged from the broadest to the narrowest scope (everyone, their role, their
// groups in name order, themselves). No policy at all is "no managed policy" (404 to the client); policies
// that merge to `{}` are "an empty policy" (200) — Claude Code tells the two apart.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import type { RedisContext } from '../redis/record-store.js';
import type { User } from '../users/user-types.js';
import { parseInput } from '../validation.js';
import { settingsChecksum } from './canonical-json.js';
import {
  type ManagedSettingsPolicy,
  type PolicyScope,
  policyKey,
  policyScopeSchema,
  type ResolvedSettings,
  settingsDocumentSchema,
  storedPolicySchema,
} from './managed-settings-types.js';

type Settings = Record<string, unknown>;

function isPlainObject(value: unknown): value is Settings {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Objects merge key by key; anything else (arrays included) is replaced by the narrower scope's value. */
function merge(base: Settings, over: Settings): Settings {
  const result: Settings = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = result[key];
    result[key] = isPlainObject(current) && isPlainObject(value) ? merge(current, value) : value;
  }
  return result;
}

export class ManagedSettingsService {
  constructor(
    private readonly context: RedisContext,
    private readonly now: () => number = Date.now,
  ) {}

  async list(): Promise<ManagedSettingsPolicy[]> {
    const raw = await this.context.redis.hgetall(this.context.keys.managedSettings());
    return Object.values(raw)
      .flatMap((value) => {
        const parsed = storedPolicySchema.safeParse(JSON.parse(value));
        return parsed.success ? [parsed.data] : [];
      })
      .sort((a, b) => policyKey(a.scope).localeCompare(policyKey(b.scope)));
  }

  async set(
    scopeInput: PolicyScope,
    settingsInput: unknown,
    actorId: string,
  ): Promise<ManagedSettingsPolicy> {
    const scope = parseInput(policyScopeSchema, scopeInput);
    const { settings } = parseInput(z.object({ settings: settingsDocumentSchema }), {
      settings: settingsInput,
    });
    const policy: ManagedSettingsPolicy = { scope, settings, updatedAt: this.now(), updatedBy: actorId };
    await this.context.redis.hset(
      this.context.keys.managedSettings(),
      policyKey(scope),
      JSON.stringify(policy),
    );
    return policy;
  }

  async delete(scopeInput: PolicyScope): Promise<ManagedSettingsPolicy> {
    const scope = parseInput(policyScopeSchema, scopeInput);
    const { redis, keys } = this.context;
    const raw = await redis.hget(keys.managedSettings(), policyKey(scope));
    if (!raw) throw new AppError('not_found', `No managed settings for ${policyKey(scope)}`);
    await redis.hdel(keys.managedSettings(), policyKey(scope));
    return storedPolicySchema.parse(JSON.parse(raw));
  }

  /** The settings `user` is served, or undefined when no policy applies to them. One round trip. */
  async forUser(user: Pick<User, 'id' | 'role' | 'groups'>): Promise<ResolvedSettings | undefined> {
    const scopes: PolicyScope[] = [
      { type: 'all' },
      { type: 'role', role: user.role },
      ...[...user.groups].sort().map((group): PolicyScope => ({ type: 'group', group })),
      { type: 'user', userId: user.id },
    ];
    const keys = scopes.map(policyKey);
    const raws = await this.context.redis.hmget(this.context.keys.managedSettings(), ...keys);
    let settings: Settings | undefined;
    const applied: string[] = [];
    raws.forEach((raw, index) => {
      if (!raw) return;
      const parsed = storedPolicySchema.safeParse(JSON.parse(raw));
      if (!parsed.success) return;
      settings = merge(settings ?? {}, parsed.data.settings);
      applied.push(keys[index] ?? '');
    });
    if (settings === undefined) return undefined;
    const checksum = settingsChecksum(settings);
    return { uuid: uuidOf(`${applied.join('|')}|${checksum}`), checksum, settings };
  }
}

/** A UUID-shaped name for a combination of policies and content (RFC 4122 layout, version 5-style bits). */
function uuidOf(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  const variant = ((Number.parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}
