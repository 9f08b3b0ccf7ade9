// Account groups as the control plane manages them: readers list them, managers change them, all audited.

import type { AccountGroupService } from '../accounts/account-group-service.js';
import type { AccountGroup, CreateGroupInput, UpdateGroupInput } from '../accounts/account-group-types.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Principal } from '../auth/auth-service.js';
import type { RecordPage } from '../redis/pagination.js';
import { MANAGERS, READERS, requireRole } from './roles.js';

export class GroupAdmin {
  constructor(
    private readonly groups: AccountGroupService,
    private readonly audit: AuditLog,
  ) {}

  list(actor: Principal, options: { limit?: number; cursor?: string }): Promise<RecordPage<AccountGroup>> {
    requireRole(actor, READERS);
    return this.groups.list(options);
  }

  get(actor: Principal, id: string): Promise<AccountGroup> {
    requireRole(actor, READERS);
    return this.groups.require(id);
  }

  async create(actor: Principal, input: CreateGroupInput): Promise<AccountGroup> {
    requireRole(actor, MANAGERS);
    const group = await this.groups.create(input);
    await this.audit.record({ actor: actor.userId, action: 'group.create', target: group.id, after: group });
    return group;
  }

  update(actor: Principal, id: string, patch: UpdateGroupInput): Promise<AccountGroup> {
    return this.change(actor, id, 'group.update', () => this.groups.update(id, patch));
  }

  addMembers(actor: Principal, id: string, accountIds: readonly string[]): Promise<AccountGroup> {
    return this.change(actor, id, 'group.add_members', () => this.groups.addMembers(id, accountIds));
  }

  removeMembers(actor: Principal, id: string, accountIds: readonly string[]): Promise<AccountGroup> {
    return this.change(actor, id, 'group.remove_members', () => this.groups.removeMembers(id, accountIds));
  }

  async delete(actor: Principal, id: string): Promise<void> {
    requireRole(actor, MANAGERS);
    const before = await this.groups.require(id);
    await this.groups.delete(id);
    await this.audit.record({ actor: actor.userId, action: 'group.delete', target: id, before });
  }

  private async change(
    actor: Principal,
    id: string,
    action: string,
    apply: () => Promise<AccountGroup>,
  ): Promise<AccountGroup> {
    requireRole(actor, MANAGERS);
    const before = await this.groups.require(id);
    const after = await apply();
    await this.audit.record({ actor: actor.userId, action, target: id, before, after });
    return after;
  }
}
