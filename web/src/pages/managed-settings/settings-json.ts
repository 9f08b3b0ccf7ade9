// Managed settings as the page handles them: the JSON an admin typed, checked as the server checks it (a JSON
// object of at most 64 KB) before anything is sent, and each policy's scope named, ordered and sent back.
import type {
  ManagedSettingsPagePolicyFragment,
  ManagedSettingsScopeInput,
  Role,
} from '@clients/generated/graphql/graphql';

export type Policy = ManagedSettingsPagePolicyFragment;
export type PolicyScope = Policy['scope'];

const MAX_BYTES = 64 * 1024;

export const ROLES: readonly Role[] = ['admin', 'operator', 'viewer', 'member'];

export type ParsedSettings = { ok: true; value: Record<string, unknown> } | { ok: false; message: string };

/** The typed text as a settings object, or why the server would refuse it (nothing is sent then). */
export function parseSettings(text: string): ParsedSettings {
  if (text.trim() === '') return { ok: false, message: 'Write a JSON object; {} for no settings' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `Not valid JSON: ${detail}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return { ok: false, message: `Managed settings are a JSON object ({ … }), not ${kind}` };
  }
  if (JSON.stringify(value).length > MAX_BYTES) {
    return { ok: false, message: 'Managed settings must be at most 64 KB of JSON' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

export function formatSettings(settings: unknown): string {
  return JSON.stringify(settings, null, 2);
}

/** The scope as the mutations take it: nothing for everyone, else exactly one of role, group, userId. */
export function scopeInput(scope: PolicyScope): ManagedSettingsScopeInput {
  if (scope.type === 'role' && scope.role) return { role: scope.role };
  if (scope.type === 'group' && scope.group !== null) return { group: scope.group };
  if (scope.type === 'user' && scope.userId !== null) return { userId: scope.userId };
  return {};
}

export function scopeTitle(scope: PolicyScope, nameOf: (userId: string) => string): string {
  if (scope.type === 'role') return `Role: ${scope.role ?? ''}`;
  if (scope.type === 'group') return `Group: ${scope.group ?? ''}`;
  if (scope.type === 'user') return `User: ${scope.userId ? nameOf(scope.userId) : ''}`;
  return 'Everyone';
}

/** One key per scope, to find the policy a new one would replace. */
export function scopeKey(scope: ManagedSettingsScopeInput): string {
  if (scope.role) return `role:${scope.role}`;
  if (scope.group) return `group:${scope.group}`;
  if (scope.userId) return `user:${scope.userId}`;
  return 'all';
}

/** In merge order: everyone, roles, groups by name, users; later ones win key by key. */
export function sortPolicies(policies: readonly Policy[], nameOf: (userId: string) => string): Policy[] {
  const rank = (policy: Policy): string => {
    const { scope } = policy;
    if (scope.type === 'all') return '0';
    if (scope.type === 'role') return `1:${ROLES.indexOf(scope.role ?? 'member')}`;
    if (scope.type === 'group') return `2:${scope.group ?? ''}`;
    return `3:${scope.userId ? nameOf(scope.userId) : ''}`;
  };
  return [...policies].sort((a, b) => rank(a).localeCompare(rank(b)));
}
