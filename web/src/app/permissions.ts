// What each role may do, as the server's role rules decide it (admins and operators manage, viewers read
// everything and change nothing, members own keys). The page hides what a role may not use; the server
// refuses it anyway, so this table only has to be right for the buttons, never for safety.
import type { Role } from '@clients/generated/graphql/graphql';

export type Ability =
  /** Accounts, groups, pricing, alert rules, channels, spend limits: the relay's configuration. */
  | 'manage'
  /** Every key, every request, the audit log, system status. */
  | 'read_all'
  /** Users and their roles. */
  | 'manage_users'
  /** The audit log (the server keeps it for admins). */
  | 'read_audit'
  /** Create and change keys (members: their own). */
  | 'manage_own_keys'
  /** Captured request and response bodies. */
  | 'read_bodies'
  /** Every user's devices signed in through /login, and revoking any of them (others: their own). */
  | 'manage_all_devices'
  /** Claude Code's managed settings for everyone, a role, a group or a user (the server keeps it for admins). */
  | 'manage_managed_settings';

const ABILITIES: Record<Role, readonly Ability[]> = {
  admin: [
    'manage',
    'read_all',
    'manage_users',
    'read_audit',
    'manage_own_keys',
    'read_bodies',
    'manage_all_devices',
    'manage_managed_settings',
  ],
  operator: ['manage', 'read_all', 'manage_own_keys', 'read_bodies'],
  viewer: ['read_all'],
  member: ['manage_own_keys'],
};

export function can(role: Role | undefined, ability: Ability): boolean {
  return role !== undefined && ABILITIES[role].includes(ability);
}
