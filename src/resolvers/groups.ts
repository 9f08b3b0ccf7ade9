// Account group fields: named sets of accounts of one pool that keys can be bound to. Rules in GroupAdmin.
import { requireUser } from '../schema/access.js';
import { builder } from '../schema/builder.js';
import type { AccountGroup } from '../services/accounts/account-group-types.js';
import type { Platform } from '../services/domain/platforms.js';
import { idArg, present } from './input.js';
import { connectionOf, pageArgs, toConnection } from './page-info.js';

const GroupRef = builder.objectRef<AccountGroup>('AccountGroup').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    platform: t.exposeString('platform'),
    description: t.exposeString('description', { nullable: true }),
    memberIds: t.exposeStringList('memberIds'),
    createdAt: t.field({ type: 'DateTime', resolve: (group) => new Date(group.createdAt) }),
    updatedAt: t.field({ type: 'DateTime', resolve: (group) => new Date(group.updatedAt) }),
  }),
});

const GroupConnection = connectionOf('AccountGroup', GroupRef);

const CreateGroupInputRef = builder.inputType('CreateAccountGroupInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    platform: t.string({ required: true, description: 'The pool: claude, …' }),
    description: t.string(),
    memberIds: t.stringList(),
  }),
});

const UpdateGroupInputRef = builder.inputType('UpdateAccountGroupInput', {
  fields: (t) => ({ name: t.string(), description: t.string() }),
});

builder.queryField('accountGroups', (t) =>
  t.field({
    type: GroupConnection,
    args: { first: t.arg.int(), after: t.arg.string() },
    resolve: async (_root, args, context) =>
      toConnection(await context.services.control.groups.list(requireUser(context), pageArgs(args))),
  }),
);

builder.queryField('accountGroup', (t) =>
  t.field({
    type: GroupRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.control.groups.get(requireUser(context), idArg(args.id)),
  }),
);

builder.mutationField('createAccountGroup', (t) =>
  t.field({
    type: GroupRef,
    args: { input: t.arg({ type: CreateGroupInputRef, required: true }) },
    resolve: (_root, args, context) => {
      const input = present(args.input);
      // The service's schema checks the pool name; the cast only narrows the type for the call.
      return context.services.control.groups.create(requireUser(context), {
        ...input,
        platform: input.platform as Platform,
      });
    },
  }),
);

builder.mutationField('updateAccountGroup', (t) =>
  t.field({
    type: GroupRef,
    description: 'An empty description removes it.',
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateGroupInputRef, required: true }) },
    resolve: (_root, args, context) => {
      const { description, ...rest } = present(args.input);
      return context.services.control.groups.update(requireUser(context), idArg(args.id), {
        ...rest,
        ...(description === undefined ? {} : { description: description === '' ? null : description }),
      });
    },
  }),
);

builder.mutationField('addAccountGroupMembers', (t) =>
  t.field({
    type: GroupRef,
    args: { id: t.arg.id({ required: true }), accountIds: t.arg.stringList({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.control.groups.addMembers(requireUser(context), idArg(args.id), args.accountIds),
  }),
);

builder.mutationField('removeAccountGroupMembers', (t) =>
  t.field({
    type: GroupRef,
    args: { id: t.arg.id({ required: true }), accountIds: t.arg.stringList({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.control.groups.removeMembers(requireUser(context), idArg(args.id), args.accountIds),
  }),
);

builder.mutationField('deleteAccountGroup', (t) =>
  t.boolean({
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) => {
      await context.services.control.groups.delete(requireUser(context), idArg(args.id));
      return true;
    },
  }),
);
