// Role rules of the control plane, shared by GraphQL and tRPC: who may read and who may change what.
import { AppError } from '../../errors/app-error.js';
import type { Principal } from '../auth/auth-service.js';
import type { Role } from '../users/user-types.js';

/** Roles that manage everything of the relay (accounts, every key, limits). */
export const MANAGERS: readonly Role[] = ['admin', 'operator'];
/** Roles that may read everything (members read only what they own). */
export const READERS: readonly Role[] = ['admin', 'operator', 'viewer'];

export function requireRole(actor: Principal, roles: readonly Role[]): void {
  if (!roles.includes(actor.role)) {
    throw new AppError('permission_denied', `This needs one of the roles: ${roles.join(', ')}`, {
      details: { role: actor.role },
    });
  }
}

/** Members act on what they own; managers on anything. Viewers change nothing. */
export function requireOwnerOrManager(actor: Principal, ownerId: string | undefined): void {
  if (MANAGERS.includes(actor.role)) return;
  if (actor.role === 'member' && ownerId === actor.userId) return;
  throw new AppError(
    actor.role === 'member' ? 'not_found' : 'permission_denied',
    actor.role === 'member' ? 'No such key among yours' : 'Viewers cannot change anything',
  );
}
