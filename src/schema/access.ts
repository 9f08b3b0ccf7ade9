// Who may call what: every resolver that needs a signed-in user or a role asks here, so the rule is in
// one place and the refusal is the same everywhere (the role rules themselves are the services').
import { AppError } from '../errors/app-error.js';
import type { Principal } from '../services/auth/auth-service.js';
import { requireRole as requireRoleOf } from '../services/control/roles.js';
import type { Role } from '../services/users/user-types.js';
import type { GraphQLContext } from './builder.js';

export function requireUser(context: GraphQLContext): Principal {
  if (!context.principal) {
    if (context.authError) throw context.authError;
    throw new AppError('unauthenticated', 'Sign in first: send Authorization: Bearer <access token>');
  }
  return context.principal;
}

export function requireRole(context: GraphQLContext, roles: readonly Role[]): Principal {
  const principal = requireUser(context);
  requireRoleOf(principal, roles);
  return principal;
}
