// Managed settings policies in the control plane: readers see them, admins set and remove them (they decide
// what every signed-in Claude Code runs with: permissions, environment, model choices), each change audited.
import type { AuditLog } from '../audit/audit-log.js';
import type { Principal } from '../auth/auth-service.js';
import type { ManagedSettingsService } from '../managed-settings/managed-settings-service.js';
import {
  type ManagedSettingsPolicy,
  type PolicyScope,
  policyKey,
  type ResolvedSettings,
} from '../managed-settings/managed-settings-types.js';
import { READERS, requireRole } from './roles.js';
import type { UserAdmin } from './user-admin.js';

const ADMINS = ['admin'] as const;

export class ManagedSettingsAdmin {
  constructor(
    private readonly settings: ManagedSettingsService,
    private readonly users: UserAdmin,
    private readonly audit: AuditLog,
  ) {}

  list(actor: Principal): Promise<ManagedSettingsPolicy[]> {
    requireRole(actor, READERS);
    return this.settings.list();
  }

  async set(actor: Principal, scope: PolicyScope, settings: unknown): Promise<ManagedSettingsPolicy> {
    requireRole(actor, ADMINS);
    if (scope.type === 'user') await this.users.get(actor, scope.userId);
    const policy = await this.settings.set(scope, settings, actor.userId);
    await this.audit.record({
      actor: actor.userId,
      action: 'managed_settings.set',
      target: policyKey(policy.scope),
      after: policy,
    });
    return policy;
  }

  async delete(actor: Principal, scope: PolicyScope): Promise<ManagedSettingsPolicy> {
    requireRole(actor, ADMINS);
    const policy = await this.settings.delete(scope);
    await this.audit.record({
      actor: actor.userId,
      action: 'managed_settings.delete',
      target: policyKey(policy.scope),
      before: policy,
    });
    return policy;
  }

  /** What one user is served; users may look at their own, readers at anyone's. */
  async preview(actor: Principal, userId: string): Promise<ResolvedSettings | undefined> {
    if (userId !== actor.userId) requireRole(actor, READERS);
    const user = await this.users.get({ ...actor, role: 'admin' }, userId);
    return this.settings.forUser(user);
  }
}
