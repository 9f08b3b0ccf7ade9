// `users …` commands: list, create, reset a password, disable and enable control-plane users. Like every CLI
// command they go through the control plane (services.control.users), so its rules hold (the last enabled admin
// stays one) and every change is audited under the CLI's own name.
import type { User } from '../../services/users/user-types.js';
import { ROLES } from '../../services/users/user-types.js';
import { choice, integer, type OptionTable, positional, text, UsageError } from '../args.js';
import type { Command } from '../command.js';
import { newPassword, PASSWORD_OPTIONS, passwordFromStdin, shownPassword } from '../new-password.js';
import { formatTime, table } from '../output.js';

const PAGE_OPTIONS: OptionTable = {
  limit: { type: 'string', value: '<n>', description: 'how many to show (1-500, default 50)' },
  cursor: { type: 'string', value: '<cursor>', description: 'continue from a previous page' },
};

/** A user named by id or username. */
const USER = ['user'] as const;

function named(user: User): string {
  return `${user.username} (${user.id})`;
}

function status(user: User): string {
  return user.disabled ? 'disabled' : 'enabled';
}

function toggled(enabled: boolean): Command {
  const action = enabled ? 'enable' : 'disable';
  return {
    group: 'users',
    action,
    summary: enabled
      ? 'let a disabled user sign in again'
      : 'stop a user from signing in; their sessions end at once',
    positionals: USER,
    options: {},
    prepare(args) {
      const reference = positional(args, 0);
      return async (services, { actor }) => {
        const current = await services.control.users.find(actor, reference);
        const user = await services.control.users.update(actor, current.id, { disabled: !enabled });
        const ended = enabled ? '' : '; every session of theirs has ended';
        return { json: user, text: `${enabled ? 'Enabled' : 'Disabled'} user ${named(user)}${ended}` };
      };
    },
  };
}

export const USER_COMMANDS: readonly Command[] = [
  {
    group: 'users',
    action: 'list',
    summary: 'list control-plane users, newest first',
    positionals: [],
    options: PAGE_OPTIONS,
    prepare(args) {
      const limit = integer(args, 'limit', { min: 1, max: 500 }, 'users list');
      const cursor = text(args, 'cursor');
      return async (services, { actor }) => {
        const page = await services.control.users.list(actor, { limit, cursor });
        const rows = page.items.map((user) => [
          user.id,
          user.username,
          user.role,
          status(user),
          formatTime(user.createdAt) ?? '-',
        ]);
        const lines = [
          rows.length === 0 ? 'No users.' : table(['id', 'username', 'role', 'status', 'created'], rows),
        ];
        if (page.nextCursor) lines.push('', `More: users list --cursor ${page.nextCursor}`);
        return { json: { items: page.items, nextCursor: page.nextCursor ?? null }, text: lines.join('\n') };
      };
    },
  },
  {
    group: 'users',
    action: 'create',
    summary: 'add a user with a role; the password comes from stdin or is generated and shown once',
    positionals: ['username'],
    options: {
      role: {
        type: 'string',
        value: '<role>',
        required: true,
        description: `one of: ${ROLES.join(', ')}`,
      },
      ...PASSWORD_OPTIONS,
    },
    prepare(args) {
      const topic = 'users create';
      const username = positional(args, 0);
      const role = choice(args, 'role', ROLES, topic);
      if (role === undefined) throw new UsageError('--role is required', topic);
      const fromStdin = passwordFromStdin(args, topic);
      return async (services, { actor }) => {
        const secret = await newPassword(fromStdin);
        const user = await services.control.users.create(actor, {
          username,
          password: secret.password,
          role,
        });
        return {
          json: secret.generated ? { user, password: secret.password } : { user },
          text: [
            `Created user ${named(user)}, role ${user.role}`,
            ...shownPassword(user.username, secret),
          ].join('\n'),
        };
      };
    },
  },
  {
    group: 'users',
    action: 'reset-password',
    summary: "set a new password for a user who lost theirs (an admin too); the user's sessions end",
    positionals: USER,
    options: PASSWORD_OPTIONS,
    prepare(args) {
      const reference = positional(args, 0);
      const fromStdin = passwordFromStdin(args, 'users reset-password');
      return async (services, { actor }) => {
        const current = await services.control.users.find(actor, reference);
        const secret = await newPassword(fromStdin);
        const user = await services.control.users.resetPassword(actor, current.id, secret.password);
        return {
          json: secret.generated ? { user, password: secret.password } : { user },
          text: [
            `Reset the password of user ${named(user)}; every session of theirs has ended`,
            ...shownPassword(user.username, secret),
          ].join('\n'),
        };
      };
    },
  },
  toggled(false),
  toggled(true),
];
