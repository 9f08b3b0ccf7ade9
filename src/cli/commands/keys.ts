// `keys …` commands: create, update, list, show, usage, enable/disable and rotate relay API keys.
import { AppError, isAppError } from '../../errors/app-error.js';
import type { IssuedApiKey } from '../../services/api-keys/api-key-service.js';
import type { Principal } from '../../services/auth/auth-service.js';
import type { Services } from '../../services/container.js';
import type { ApiKeyPatch } from '../../services/control/api-key-admin.js';
import {
  flag,
  integer,
  list,
  type OptionTable,
  type ParsedArgs,
  positional,
  requiredText,
  text,
  UsageError,
} from '../args.js';
import type { Command, CommandOutput } from '../command.js';
import { CREATE_SETTING_OPTIONS, UPDATE_SETTING_OPTIONS } from '../key-option-table.js';
import { applyLimitChanges, type KeyChanges, parseKeyChanges, withClaudeBinding } from '../key-options.js';
import { describeKey, keyStatus, renderKeyUsage } from '../key-text.js';
import { compact, formatTime, table, withUsdStrings } from '../output.js';
import { keyIdOf } from '../relay-key-argument.js';

const CREATE_OPTIONS: OptionTable = {
  name: {
    type: 'string',
    value: '<name>',
    required: true,
    description: 'a name people recognise the key by',
  },
  owner: { type: 'string', value: '<userId>', description: 'the user who owns the key' },
  tag: { type: 'string', value: '<tag>', multiple: true, description: 'a tag (repeatable)' },
  ...CREATE_SETTING_OPTIONS,
};

const PAGE_OPTIONS: OptionTable = {
  limit: { type: 'string', value: '<n>', description: 'how many to show (1-500, default 50)' },
  cursor: { type: 'string', value: '<cursor>', description: 'continue from a previous page' },
};

/** A key id, or the relay key itself (looked up by hash, never printed). */
const ID = ['id'] as const;

/** The key fields the service reports validation errors under, and the option that set each. */
const FIELD_OPTIONS: Readonly<Record<string, string>> = {
  name: 'name',
  description: 'description',
  ownerId: 'owner',
  modelAllow: 'allow-model',
  modelDeny: 'deny-model',
  modelMapping: 'map',
  tags: 'tag',
  bindingFallback: 'binding-fallback',
  bodyCapture: 'body-capture',
};

/**
 * Runs a key write, naming the option (and the value, for lists) in the service's validation errors, which
 * speak of record fields such as `modelAllow.1` that a CLI user never typed.
 */
async function explained<T>(args: ParsedArgs, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const field = isAppError(error) && error.code === 'invalid_request' ? error.details?.field : undefined;
    const [head, index] = typeof field === 'string' ? field.split('.') : [];
    const option = FIELD_OPTIONS[head ?? ''];
    if (!isAppError(error) || option === undefined) throw error;
    const value = index === undefined ? undefined : list(args, option)[Number(index)];
    const given = value === undefined ? `--${option}` : `--${option} "${value}"`;
    throw new AppError('invalid_request', `${error.message} (${given})`, { details: error.details });
  }
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
      const reference = positional(args, 0);
      return async (services, { config, actor }) => {
        const id = await keyIdOf(services, reference, config.apiKeys.prefix);
        const key = await services.control.apiKeys.update(actor, id, { enabled });
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
      const topic = 'keys create';
      const name = requiredText(args, 'name', topic);
      const ownerId = text(args, 'owner');
      const { limits, claudeBinding, ...settings } = parseKeyChanges(args, topic);
      const input = {
        ...settings,
        name,
        ownerId,
        enabled: !flag(args, 'disabled'),
        limits: limits && applyLimitChanges({}, limits, topic),
        bindings: claudeBinding ? { claude: claudeBinding } : undefined,
      };
      return async (services, { actor }) => {
        // The key service stores any owner id it is given; a typo would make the key nobody's.
        if (ownerId !== undefined) await services.control.users.get(actor, ownerId);
        await checkBinding(services, actor, claudeBinding);
        return issued('Created', await explained(args, () => services.control.apiKeys.create(actor, input)));
      };
    },
  },
  {
    group: 'keys',
    action: 'update',
    summary: 'change a key: only the options given; limits merge into the ones it has',
    positionals: ID,
    options: UPDATE_SETTING_OPTIONS,
    prepare(args) {
      const topic = 'keys update';
      const reference = positional(args, 0);
      const changes = parseKeyChanges(args, topic);
      if (Object.keys(changes).length === 0) {
        throw new UsageError('nothing to change: give at least one option', topic);
      }
      return async (services, { config, actor }) => {
        const id = await keyIdOf(services, reference, config.apiKeys.prefix);
        await checkBinding(services, actor, changes.claudeBinding);
        const key = await explained(args, () =>
          services.control.apiKeys.update(actor, id, patchFor(changes)),
        );
        return { json: key, text: `Updated API key ${key.id} (${key.name})\n${describeKey(key)}` };
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
      return async (services, { actor }) => {
        const page = await services.control.apiKeys.list(actor, { limit, cursor });
        const rows = page.items.map((key) => [
          key.id,
          key.name,
          keyStatus(key),
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
      const reference = positional(args, 0);
      return async (services, { config, actor }) => {
        const id = await keyIdOf(services, reference, config.apiKeys.prefix);
        const key = await services.control.apiKeys.get(actor, id);
        return { json: key, text: describeKey(key) };
      };
    },
  },
  {
    group: 'keys',
    action: 'usage',
    summary: "a key's spend, rate window and concurrency right now against its limits, with reset times",
    positionals: ID,
    options: {},
    prepare(args) {
      const reference = positional(args, 0);
      return async (services, { config, actor }) => {
        const id = await keyIdOf(services, reference, config.apiKeys.prefix);
        const key = await services.control.apiKeys.get(actor, id);
        const usage = await services.control.usage.keyLimits(actor, id);
        return { json: withUsdStrings(usage), text: renderKeyUsage(key, usage) };
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
      const reference = positional(args, 0);
      return async (services, { config, actor }) =>
        issued(
          'Rotated',
          await services.control.apiKeys.rotate(
            actor,
            await keyIdOf(services, reference, config.apiKeys.prefix),
          ),
        );
    },
  },
];

/**
 * The update to send. The service replaces `limits` and `bindings` as a whole, so limits merge into the current
 * ones and the Claude binding replaces only itself, inside the service's compare-and-swap: no concurrent edit
 * is lost.
 */
function patchFor(changes: KeyChanges): ApiKeyPatch {
  const { limits, claudeBinding, ...settings } = changes;
  if (limits === undefined && claudeBinding === undefined) return settings;
  return (current) => ({
    ...settings,
    ...(limits === undefined ? {} : { limits: applyLimitChanges(current.limits, limits, 'keys update') }),
    ...(claudeBinding === undefined ? {} : { bindings: withClaudeBinding(current.bindings, claudeBinding) }),
  });
}

/** The key service stores any id it is given; a typo would bind the key to nothing that can serve it. */
async function checkBinding(
  services: Services,
  actor: Principal,
  binding: KeyChanges['claudeBinding'],
): Promise<void> {
  if (binding?.accountId !== undefined) {
    const account = await services.control.accounts.get(actor, binding.accountId);
    if (account.platform !== 'claude') {
      throw new AppError('invalid_request', `Account ${account.id} is not in the claude pool`);
    }
  }
  if (binding?.groupId !== undefined) {
    const group = await services.control.groups.get(actor, binding.groupId);
    if (group.platform !== 'claude') {
      throw new AppError('invalid_request', `Account group ${group.id} is not in the claude pool`);
    }
  }
}
