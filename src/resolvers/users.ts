// User management fields (admins): list, one user, create, change role or disable. Rules live in UserAdmin.
import { requireUser } from '../schema/access.js';
import { builder } from '../schema/builder.js';
import { RoleEnum, UserRef } from './auth.js';
import { idArg, present } from './input.js';
import { connectionOf, pageArgs, toConnection } from './page-info.js';

const UserConnection = connectionOf('User', UserRef);

const CreateUserInputRef = builder.inputType('CreateUserInput', {
  fields: (t) => ({
    username: t.string({ required: true }),
    password: t.string({ required: true, description: '12 to 256 characters.' }),
    role: t.field({ type: RoleEnum, required: true }),
  }),
});

const UpdateUserInputRef = builder.inputType('UpdateUserInput', {
  description: 'A change of role or access ends the user’s sessions; a change of groups does not.',
  fields: (t) => ({
    role: t.field({ type: RoleEnum }),
    disabled: t.boolean(),
    groups: t.stringList({
      description: 'Replaces the user’s groups (managed settings and spend limits can be set per group).',
    }),
  }),
});

builder.queryField('users', (t) =>
  t.field({
    type: UserConnection,
    description: 'Admins only. Newest first.',
    args: { first: t.arg.int(), after: t.arg.string() },
    resolve: async (_root, args, context) =>
      toConnection(await context.services.control.users.list(requireUser(context), pageArgs(args))),
  }),
);

builder.queryField('user', (t) =>
  t.field({
    type: UserRef,
    description: 'Admins read anyone; other users only themselves.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.control.users.get(requireUser(context), idArg(args.id)),
  }),
);

builder.mutationField('createUser', (t) =>
  t.field({
    type: UserRef,
    args: { input: t.arg({ type: CreateUserInputRef, required: true }) },
    resolve: (_root, args, context) =>
      context.services.control.users.create(requireUser(context), args.input),
  }),
);

builder.mutationField('updateUser', (t) =>
  t.field({
    type: UserRef,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateUserInputRef, required: true }) },
    resolve: (_root, args, context) =>
      context.services.control.users.update(requireUser(context), idArg(args.id), present(args.input)),
  }),
);
