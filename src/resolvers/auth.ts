// Sign-in fields: login, refresh, logout, password change, and `me`. The only fields open to anonymous callers
// are login and refreshSession.
import { z } from 'zod';
import { requireUser } from '../schema/access.js';
import { builder } from '../schema/builder.js';
import type { LoginResult } from '../services/auth/auth-service.js';
import type { IssuedTokens } from '../services/auth/session-tokens.js';
import { ROLES, type User } from '../services/users/user-types.js';
import { parseInput } from '../services/validation.js';

export const RoleEnum = builder.enumType('Role', {
  description: 'admin: everything; operator: accounts, keys and limits; viewer: read only; member: own keys.',
  values: ROLES,
});

export const UserRef = builder.objectRef<User>('User').implement({
  description: 'A control-plane user.',
  fields: (t) => ({
    id: t.exposeID('id'),
    username: t.exposeString('username'),
    role: t.field({ type: RoleEnum, resolve: (user) => user.role }),
    disabled: t.exposeBoolean('disabled'),
    groups: t.exposeStringList('groups'),
    createdAt: t.field({ type: 'DateTime', resolve: (user) => new Date(user.createdAt) }),
  }),
});

const SessionRef = builder.objectRef<IssuedTokens & { user?: User }>('Session').implement({
  description: 'A signed-in session: a short-lived access token and the refresh token that renews it.',
  fields: (t) => ({
    accessToken: t.exposeString('accessToken'),
    refreshToken: t.exposeString('refreshToken', {
      description: 'Single use: each refresh returns a new one; presenting a used one ends the session.',
    }),
    accessExpiresAt: t.field({ type: 'DateTime', resolve: (session) => new Date(session.accessExpiresAt) }),
    refreshExpiresAt: t.field({ type: 'DateTime', resolve: (session) => new Date(session.refreshExpiresAt) }),
    user: t.field({ type: UserRef, nullable: true, resolve: (session) => session.user ?? null }),
  }),
});

const loginSchema = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
const refreshSchema = z.object({ refreshToken: z.string().min(1).max(200) });
const changePasswordSchema = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(1).max(256),
});

builder.mutationField('login', (t) =>
  t.field({
    type: SessionRef,
    args: { username: t.arg.string({ required: true }), password: t.arg.string({ required: true }) },
    resolve: async (_root, args, context): Promise<LoginResult> => {
      const input = parseInput(loginSchema, args);
      return context.services.auth.login(input.username, input.password, context.address);
    },
  }),
);

builder.mutationField('refreshSession', (t) =>
  t.field({
    type: SessionRef,
    args: { refreshToken: t.arg.string({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.auth.refresh(parseInput(refreshSchema, args).refreshToken),
  }),
);

builder.mutationField('logout', (t) =>
  t.boolean({
    description: 'Ends the session of the access token used.',
    resolve: async (_root, _args, context) => {
      await context.services.auth.logout(requireUser(context));
      return true;
    },
  }),
);

builder.mutationField('changePassword', (t) =>
  t.boolean({
    description: 'Changes your own password; every session of yours ends, this one included.',
    args: {
      currentPassword: t.arg.string({ required: true }),
      newPassword: t.arg.string({ required: true }),
    },
    resolve: async (_root, args, context) => {
      const input = parseInput(changePasswordSchema, args);
      await context.services.auth.changePassword(
        requireUser(context),
        input.currentPassword,
        input.newPassword,
      );
      return true;
    },
  }),
);

builder.queryField('me', (t) =>
  t.field({
    type: UserRef,
    resolve: async (_root, _args, context) => {
      const principal = requireUser(context);
      const user = await context.services.users.get(principal.userId);
      if (!user) throw new Error(`signed-in user ${principal.userId} vanished`);
      return user;
    },
  }),
);
