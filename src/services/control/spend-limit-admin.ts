// Spend limits per user and per user group in the control plane: readers see them and what each person has
// spent against them; managers set and delete them. Every change is audited. The Admin-API-shaped HTTP
// endpoint, GraphQL and tRPC all call these.
import type { AuditLog } from '../audit/audit-log.js';
import type { Principal } from '../auth/auth-service.js';
import type { SpendLimitService } from '../spend-limits/spend-limit-service.js';
import type { SetSpendLimitInput, SpendLimit } from '../spend-limits/spend-limit-types.js';
import type { EffectiveSpend, UserSpend } from '../spend-limits/user-spend.js';
import type { UserService } from '../users/user-service.js';
import type { User } from '../users/user-types.js';
import { MANAGERS, READERS, requireRole } from './roles.js';

export class SpendLimitAdmin {
  constructor(
    private readonly limits: SpendLimitService,
    private readonly spend: UserSpend,
    private readonly users: UserService,
    private readonly audit: AuditLog,
  ) {}

  list(actor: Principal): Promise<SpendLimit[]> {
    requireRole(actor, READERS);
    return this.limits.list();
  }

  async get(actor: Principal, id: string): Promise<SpendLimit | undefined> {
    requireRole(actor, READERS);
    return this.limits.get(id);
  }

  async set(actor: Principal, input: SetSpendLimitInput): Promise<SpendLimit> {
    requireRole(actor, MANAGERS);
    const limit = await this.limits.set(input);
    await this.audit.record({
      actor: actor.userId,
      action: 'spend_limit.set',
      target: limit.id,
      after: limit,
    });
    return limit;
  }

  async delete(actor: Principal, id: string): Promise<SpendLimit> {
    requireRole(actor, MANAGERS);
    const limit = await this.limits.delete(id);
    await this.audit.record({ actor: actor.userId, action: 'spend_limit.delete', target: id, before: limit });
    return limit;
  }

  /** Each user's effective caps and what they have spent this period; members see only their own. */
  async effective(actor: Principal, userIds: readonly string[] | undefined): Promise<EffectiveSpend[]> {
    const everyone = READERS.includes(actor.role);
    const users: User[] = everyone
      ? (await this.users.all()).filter((user) => !userIds || userIds.includes(user.id))
      : [await this.users.get(actor.userId)].filter((user): user is User => user !== undefined);
    return this.spend.effective(users);
  }
}
