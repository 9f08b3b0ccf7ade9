// `groups …` commands: named sets of Claude-pool accounts that API keys can be bound to (`keys … --bind-group`).
import type { AccountGroup } from '../../services/accounts/account-group-types.js';
import type { Principal } from '../../services/auth/auth-service.js';
import type { Services } from '../../services/container.js';
import { stateText } from '../account-text.js';
import { integer, list, positional, positionalsFrom, requiredText, text, UsageError } from '../args.js';
import type { Command } from '../command.js';
import { unlessMissing } from '../missing.js';
import { fields, formatTime, table } from '../output.js';

/** Accounts of this build all serve the Claude pool, so groups are of that pool. */
const PLATFORM = 'claude';
const ID = ['id'] as const;
const MEMBERS = ['id', 'accountId'] as const;

function describeGroup(group: AccountGroup): string {
  return fields([
    ['id', group.id],
    ['name', group.name],
    ['platform', group.platform],
    ['description', group.description],
    ['members', String(group.memberIds.length)],
    ['created', formatTime(group.createdAt)],
    ['updated', formatTime(group.updatedAt)],
  ]);
}

/** The members with their names and states; an account deleted since it joined shows as such. */
async function membersTable(services: Services, actor: Principal, group: AccountGroup): Promise<string> {
  if (group.memberIds.length === 0) return 'No members.';
  const rows = await Promise.all(
    group.memberIds.map(async (id) => {
      const account = await unlessMissing(services.control.accounts.get(actor, id));
      if (!account) return [id, '(deleted)', '-', '-', '-'];
      const live = await services.control.accounts.liveState(actor, account);
      return [id, account.name, account.type, stateText(account), live.kind];
    }),
  );
  return table(['account', 'name', 'type', 'state', 'live'], rows);
}

function membership(action: 'add' | 'remove'): Command {
  const topic = `groups ${action}`;
  return {
    group: 'groups',
    action,
    summary: action === 'add' ? 'add accounts to a group' : 'take accounts out of a group',
    positionals: MEMBERS,
    variadic: true,
    options: {},
    prepare(args) {
      const id = positional(args, 0);
      const accountIds = [...new Set(positionalsFrom(args, 1))];
      if (accountIds.length > 1000) throw new UsageError('at most 1000 accounts at once', topic);
      return async (services, { actor }) => {
        const group =
          action === 'add'
            ? await services.control.groups.addMembers(actor, id, accountIds)
            : await services.control.groups.removeMembers(actor, id, accountIds);
        const verb = action === 'add' ? 'Added' : 'Removed';
        return {
          json: group,
          text: `${verb} ${accountIds.length} account(s); group ${group.id} (${group.name}) has ${group.memberIds.length} member(s)`,
        };
      };
    },
  };
}

export const GROUP_COMMANDS: readonly Command[] = [
  {
    group: 'groups',
    action: 'create',
    summary: 'create an account group (Claude pool)',
    positionals: [],
    options: {
      name: { type: 'string', value: '<name>', required: true, description: 'a name for the group' },
      description: { type: 'string', value: '<text>', description: 'what the group is for' },
      member: { type: 'string', value: '<accountId>', multiple: true, description: 'a member (repeatable)' },
    },
    prepare(args) {
      const input = {
        name: requiredText(args, 'name', 'groups create'),
        description: text(args, 'description'),
        platform: PLATFORM,
        memberIds: list(args, 'member'),
      } as const;
      return async (services, { actor }) => {
        const group = await services.control.groups.create(actor, input);
        return { json: group, text: `Created group ${group.id}\n${describeGroup(group)}` };
      };
    },
  },
  {
    group: 'groups',
    action: 'list',
    summary: 'list account groups, newest first',
    positionals: [],
    options: {
      limit: { type: 'string', value: '<n>', description: 'how many to show (1-500, default 50)' },
      cursor: { type: 'string', value: '<cursor>', description: 'continue from a previous page' },
    },
    prepare(args) {
      const limit = integer(args, 'limit', { min: 1, max: 500 }, 'groups list');
      const cursor = text(args, 'cursor');
      return async (services, { actor }) => {
        const page = await services.control.groups.list(actor, { limit, cursor });
        const rows = page.items.map((group) => [
          group.id,
          group.name,
          group.platform,
          String(group.memberIds.length),
          group.description ?? '',
        ]);
        const headers = ['id', 'name', 'platform', 'members', 'description'];
        const lines = [rows.length === 0 ? 'No groups.' : table(headers, rows)];
        if (page.nextCursor) lines.push('', `More: groups list --cursor ${page.nextCursor}`);
        return { json: { items: page.items, nextCursor: page.nextCursor ?? null }, text: lines.join('\n') };
      };
    },
  },
  {
    group: 'groups',
    action: 'show',
    summary: 'show one group and its members',
    positionals: ID,
    options: {},
    prepare(args) {
      const id = positional(args, 0);
      return async (services, { actor }) => {
        const group = await services.control.groups.get(actor, id);
        const members = await membersTable(services, actor, group);
        return { json: group, text: [describeGroup(group), '', 'Members:', members].join('\n') };
      };
    },
  },
  membership('add'),
  membership('remove'),
  {
    group: 'groups',
    action: 'delete',
    summary: 'delete a group (its accounts stay)',
    positionals: ID,
    options: {},
    prepare(args) {
      const id = positional(args, 0);
      return async (services, { actor }) => {
        await services.control.groups.delete(actor, id);
        return {
          json: { id, deleted: true },
          text: `Deleted group ${id}`,
          // Bindings are not rewritten: the service treats a bound group that is gone as having no members.
          notes: [`Any API key still bound to ${id} is now served only if its binding fallback is "pool".`],
        };
      };
    },
  },
];
