// Managed settings: Claude Code's `managed-settings.json`, served to signed-in devices at `/managed/settings`.
// A policy is set for everyone, a role, a user group or one user; a user's settings are those that apply to
// them, merged in that order (later, narrower scopes win key by key).
import { z } from 'zod';
import { ROLES, userGroupSchema } from '../users/user-types.js';
import { entityIdSchema } from '../validation.js';

export const policyScopeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('all') }),
  z.object({ type: z.literal('role'), role: z.enum(ROLES) }),
  z.object({ type: z.literal('group'), group: userGroupSchema }),
  z.object({ type: z.literal('user'), userId: entityIdSchema }),
]);
export type PolicyScope = z.infer<typeof policyScopeSchema>;

/** Claude Code reads a JSON object; bounded so one policy cannot bloat every poll. */
export const settingsDocumentSchema = z
  .record(z.string(), z.unknown())
  .refine((value) => JSON.stringify(value).length <= 64 * 1024, { error: 'must be at most 64 KB of JSON' });

export const storedPolicySchema = z.object({
  scope: policyScopeSchema,
  settings: settingsDocumentSchema,
  updatedAt: z.number().int(),
  updatedBy: z.string(),
});
export type ManagedSettingsPolicy = z.infer<typeof storedPolicySchema>;

export function policyKey(scope: PolicyScope): string {
  switch (scope.type) {
    case 'all':
      return 'all';
    case 'role':
      return `role:${scope.role}`;
    case 'group':
      return `group:${scope.group}`;
    case 'user':
      return `user:${scope.userId}`;
  }
}

/** What a user is served: the merged settings and their checksum, or nothing when no policy applies. */
export interface ResolvedSettings {
  /** Stable for one combination of policies and content. */
  uuid: string;
  checksum: string;
  settings: Record<string, unknown>;
}
