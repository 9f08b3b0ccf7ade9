// Control-plane users as admins manage them: list, find, create, change role, disable, reset a password;
// every change audited.
// Guards against locking everyone out: no admin changes their own role or access, and the last enabled admin
// stays one.
import { AppError } from '../../errors/app-error.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Principal } from '../auth/auth-service.js';
import type { RecordPage } from '../redis/pagination.js';
import type { CreateUserInput, UserPatch, UserService } from '../users/user-service.js';
import type { User } from '../users/user-types.js';
import { entityIdSchema } from '../validation.js';
import { requireRole } from './roles.js';

const ADMINS = ['admin'] as const;

export class UserAdmin {
  constructor(
    private readonly users: UserService,
    private readonly audit: AuditLog,
    /** Told after a user changed, so that what caches the user (signed-in devices) looks again. */
    private readonly onUserChanged: () => Promise<void> = async () => {},
  ) {}

  list(actor: Principal, options: { limit?: number; cursor?: string }): Promise<RecordPage<User>> {
    requireRole(actor, ADMINS);
    return this.users.list(options);
  }

  async get(actor: Principal, id: string): Promise<User> {
    if (actor.userId !== id) requireRole(actor, ADMINS);
    const user = await this.users.get(id);
    if (!user) throw new AppError('not_found', `User ${id} does not exist`);
    return user;
  }

  /** A user by id, or else by username: what an operator at a console knows a user by. */
  async find(actor: Principal, idOrUsername: string): Promise<User> {
    requireRole(actor, ADMINS);
    const byId = entityIdSchema.safeParse(idOrUsername).success
      ? await this.users.get(idOrUsername)
      : undefined;
    const user = byId ?? (await this.users.findByUsername(idOrUsername));
    if (!user) throw new AppError('not_found', `User ${idOrUsername} does not exist`);
    return user;
  }

  async create(actor: Principal, input: CreateUserInput): Promise<User> {
    requireRole(actor, ADMINS);
    const user = await this.users.create(input);
    await this.audit.record({ actor: actor.userId, action: 'user.create', target: user.id, after: user });
    return user;
  }

  async update(actor: Principal, id: string, patch: UserPatch): Promise<User> {
    requireRole(actor, ADMINS);
    if (id === actor.userId && (patch.role !== undefined || patch.disabled !== undefined)) {
      throw new AppError('conflict', 'Admins cannot change their own role or disable themselves', {
        details: { field: patch.role === undefined ? 'disabled' : 'role' },
      });
    }
    const before = await this.get(actor, id);
    const losesAdmin =
      before.role === 'admin' && (patch.disabled === true || (patch.role ?? 'admin') !== 'admin');
    if (losesAdmin && !before.disabled) await this.requireAnotherAdmin(id);
    const after = await this.users.update(id, patch);
    await this.onUserChanged();
    await this.audit.record({ actor: actor.userId, action: 'user.update', target: id, before, after });
    return after;
  }

  /**
   * Sets a new password without the current one: the way back for a user (an admin too) who lost theirs.
   * Every session of the user ends; the audit entry records that it happened, never the password.
   */
  async resetPassword(actor: Principal, id: string, password: string): Promise<User> {
    requireRole(actor, ADMINS);
    const before = await this.get(actor, id);
    const after = await this.users.setPassword(id, password);
    await this.onUserChanged();
    await this.audit.record({
      actor: actor.userId,
      action: 'user.reset_password',
      target: id,
      before,
      after,
      detail: { sessionsEnded: true },
    });
    return after;
  }

  private async requireAnotherAdmin(id: string): Promise<void> {
    const others = (await this.users.all()).filter(
      (user) => user.id !== id && user.role === 'admin' && !user.disabled,
    );
    if (others.length === 0) {
      throw new AppError('conflict', 'This is the last enabled admin; make another admin first');
    }
  }
}
