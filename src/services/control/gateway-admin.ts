// Gateway sign-in in the control plane: the verification page's look at a code and its approve/deny (every
// signed-in user, for themselves, limited per address), and signed-in devices, listed and revoked by their
// user or by an admin. Every decision and revocation is audited.
import { AppError } from '../../errors/app-error.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Principal } from '../auth/auth-service.js';
import type { GatewayService } from '../gateway/gateway-service.js';
import type { GatewayDevice, PendingSignIn } from '../gateway/gateway-types.js';
import type { UserTelemetry } from '../gateway/telemetry-counts.js';
import type { RecordPage } from '../redis/pagination.js';
import type { UserService } from '../users/user-service.js';
import type { User } from '../users/user-types.js';
import { READERS, requireRole } from './roles.js';

export class GatewayAdmin {
  constructor(
    private readonly gateway: GatewayService,
    private readonly users: UserService,
    private readonly audit: AuditLog,
  ) {}

  /** Any signed-in user may look: the code is the secret, and the tries are limited. */
  async pendingSignIn(_actor: Principal, userCode: string, address: string): Promise<PendingSignIn> {
    await this.gateway.verifyLimiter.take(address);
    return this.gateway.describe(userCode);
  }

  /** Approves a sign-in for the actor, bound to one of their keys (or their default gateway key). */
  async approve(
    actor: Principal,
    userCode: string,
    keyId: string | undefined,
    address: string,
  ): Promise<PendingSignIn> {
    await this.gateway.verifyLimiter.take(address);
    const signIn = await this.gateway.approve(await this.self(actor), userCode, keyId);
    await this.audit.record({
      actor: actor.userId,
      action: 'gateway.approve',
      target: signIn.userCode,
      detail: { address, surface: signIn.surface ?? null, keyId: keyId ?? 'default' },
    });
    return signIn;
  }

  async deny(actor: Principal, userCode: string, address: string): Promise<PendingSignIn> {
    await this.gateway.verifyLimiter.take(address);
    const signIn = await this.gateway.deny(await this.self(actor), userCode);
    await this.audit.record({
      actor: actor.userId,
      action: 'gateway.deny',
      target: signIn.userCode,
      detail: { address, surface: signIn.surface ?? null },
    });
    return signIn;
  }

  /** The actor's own devices; an admin may name any user, or leave it out for every device. */
  devices(
    actor: Principal,
    options: { userId?: string | undefined; limit?: number; cursor?: string },
  ): Promise<RecordPage<GatewayDevice>> {
    const userId = actor.role === 'admin' ? options.userId : actor.userId;
    if (actor.role !== 'admin' && options.userId !== undefined && options.userId !== actor.userId) {
      throw new AppError('permission_denied', "Only admins see other users' devices");
    }
    return this.gateway.listDevices({
      ...(userId === undefined ? {} : { userId }),
      ...(options.limit === undefined ? {} : { limit: options.limit }),
      ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
    });
  }

  async revoke(actor: Principal, deviceId: string): Promise<GatewayDevice> {
    const device = await this.gateway.getDevice(deviceId);
    // A member asking about someone else's device learns nothing about it; other roles are told they may not.
    if (!device || (device.userId !== actor.userId && actor.role === 'member')) {
      throw new AppError('not_found', `No such device: ${deviceId}`);
    }
    if (device.userId !== actor.userId) requireRole(actor, ['admin']);
    await this.gateway.revoke(device);
    await this.audit.record({
      actor: actor.userId,
      action: 'gateway.revoke_device',
      target: device.id,
      before: device,
    });
    return device;
  }

  /** What a person's signed-in clients reported in a day (UTC): their own, or anyone's for readers. */
  telemetry(actor: Principal, userId: string, day: string | undefined): Promise<UserTelemetry> {
    if (userId !== actor.userId) requireRole(actor, READERS);
    // The day names a Redis key: only a real date may reach it.
    if (day !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(day)) {
      throw new AppError('invalid_request', 'day must be a date like 2026-12-05', {
        details: { field: 'day' },
      });
    }
    return this.gateway.telemetry.read(userId, day);
  }

  private async self(actor: Principal): Promise<User> {
    const user = await this.users.get(actor.userId);
    if (!user || user.disabled) throw new AppError('unauthenticated', 'This session has ended; log in again');
    return user;
  }
}
