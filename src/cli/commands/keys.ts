// `keys …` commands: create, list, show, enable/disable and rotate relay API keys.
import { AppError } from '../../errors/app-error.js';
import type { IssuedApiKey } from '../../services/api-keys/api-key-service.js';
import type { ApiKey } from '../../services/api-keys/api-key-types.js';
import { integer, list, type OptionTable, positional, requiredText, text } from '../args.js';
import type { Command, CommandOutput } from '../command.js';
import { compact, fields, formatTime, table } from '../output.js';

const CREATE_OPTIONS: OptionTable = {
  name: {
    type: 'string',
    value: '<name>',
    required: true,
    description: 'a name people recognise the key by',
  },
  owner: { type: 'string', value: '<userId>', description: 'the user who owns the key' },
  tag: { type: 'string', value: '<tag>', multiple: true, description: 'a tag (repeatable)' },
};

const PAGE_OPTIONS: OptionTable = {
  limit: { type: 'string', value: '<n>', description: 'how many to show (1-500, default 50)' },
  cursor: { type: 'string', value: '<cursor>', description: 'continue from a previous page' },
};

const ID = ['id'] as const;

function status(key: ApiKey): string {
  return key.enabled ? 'enabled' : 'disabled';
}

function describeKey(key: ApiKey): string {
  return fields([
    ['id', key.id],
    ['name', key.name],
    ['status', status(key)],
    ['hint', key.hint],
    ['owner', key.ownerId],
    ['description', key.description],
    ['tags', compact(key.tags)],
    ['expiry', compact(key.expiry)],
    ['platforms', compact(key.platforms)],
    ['models allowed', compact(key.modelAllow)],
    ['models denied', compact(key.modelDeny)],
    ['clients', compact(key.clients)],
    ['limits', compact(key.limits)],
    ['bindings', compact(key.bindings)],
    ['binding fallback', key.bindingFallback],
    ['created', formatTime(key.createdAt)],
    ['updated', formatTime(key.updatedAt)],
    ['rotated', formatTime(key.rotatedAt)],
    ['activated', formatTime(key.activatedAt)],
  ]);
}

/** The plaintext exists only in this output; say so, since it cannot be recovered later. */
function issued(verb: string, result: IssuedApiKey): CommandOutput {
  const { key, plaintext } = result;
  return {
    json: { key, plaintext },
    text: [
      `${verb} API key ${key.id} (${key.name}), hint ${key.hint}`,
      '',
      `  ${plaintext}`,
      '',
      'This is the only time the full key is shown: store it now.',
    ].join('\n'),
  };
}

function toggled(enabled: boolean): Command {
  const action = enabled ? 'enable' : 'disable';
  return {
    group: 'keys',
    action,
    summary: enabled ? 'let a disabled key authenticate again' : 'stop a key from authenticating',
    positionals: ID,
    options: {},
    prepare(args) {
      const id = positional(args, 0);
      return async (services) => {
        const key = await services.apiKeys.setEnabled(id, enabled);
        return { json: key, text: `${enabled ? 'Enabled' : 'Disabled'} API key ${key.id} (${key.name})` };
      };
    },
  };
}

export const KEY_COMMANDS: readonly Command[] = [
  {
    group: 'keys',
    action: 'create',
    summary: 'issue a new API key (the plaintext is printed once)',
    positionals: [],
    options: CREATE_OPTIONS,
    prepare(args) {
      const name = requiredText(args, 'name', 'keys create');
      const ownerId = text(args, 'owner');
      const tags = list(args, 'tag');
      return async (services) => {
        // The key service stores any owner id it is given; a typo would make the key nobody's.
        if (ownerId !== undefined && !(await services.users.get(ownerId))) {
          throw new AppError('not_found', `User ${ownerId} does not exist`);
        }
        return issued('Created', await services.apiKeys.create({ name, ownerId, tags }));
      };
    },
  },
  {
    group: 'keys',
    action: 'list',
    summary: 'list API keys, newest first',
    positionals: [],
    options: PAGE_OPTIONS,
    prepare(args) {
      const limit = integer(args, 'limit', { min: 1, max: 500 }, 'keys list');
      const cursor = text(args, 'cursor');
      return async (services) => {
        const page = await services.apiKeys.list({ limit, cursor });
        const rows = page.items.map((key) => [
          key.id,
          key.name,
          status(key),
          key.hint,
          key.ownerId ?? '-',
          compact(key.tags),
          formatTime(key.createdAt) ?? '-',
        ]);
        const lines = [
          rows.length === 0
            ? 'No API keys.'
            : table(['id', 'name', 'status', 'hint', 'owner', 'tags', 'created'], rows),
        ];
        if (page.nextCursor) lines.push('', `More: keys list --cursor ${page.nextCursor}`);
        return { json: { items: page.items, nextCursor: page.nextCursor ?? null }, text: lines.join('\n') };
      };
    },
  },
  {
    group: 'keys',
    action: 'show',
    summary: 'show one API key',
    positionals: ID,
    options: {},
    prepare(args) {
      const id = positional(args, 0);
      return async (services) => {
        const key = await services.apiKeys.require(id);
        return { json: key, text: describeKey(key) };
      };
    },
  },
  toggled(false),
  toggled(true),
  {
    group: 'keys',
    action: 'rotate',
    summary: 'issue a new secret for a key; the old one stops working at once',
    positionals: ID,
    options: {},
    prepare(args) {
      const id = positional(args, 0);
      return async (services) => issued('Rotated', await services.apiKeys.rotate(id));
    },
  },
];
