// `accounts …` commands: create, list, show, enable and disable upstream accounts; credentials are never printed.
import { AppError } from '../../errors/app-error.js';
import { ACCOUNT_TYPES, type Account } from '../../services/accounts/account-types.js';
import {
  choice,
  integer,
  type OptionTable,
  pairs,
  positional,
  requiredText,
  text,
  UsageError,
} from '../args.js';
import type { Command } from '../command.js';
import { compact, fields, formatTime, table } from '../output.js';
import { parseProxy, proxyText } from '../proxy-url.js';
import { readSecret } from '../read-secret.js';

const TOPIC = 'accounts create';

const CREATE_OPTIONS: OptionTable = {
  type: { type: 'string', value: ACCOUNT_TYPES.join('|'), required: true, description: 'kind of upstream' },
  name: { type: 'string', value: '<name>', required: true, description: 'a name for the account' },
  'api-key': {
    type: 'string',
    value: '<key>',
    required: true,
    description: 'the upstream API key; "-" reads it from stdin (keeps it out of shell history)',
  },
  'base-url': { type: 'string', value: '<url>', description: 'upstream base URL (required for ccr)' },
  priority: { type: 'string', value: '<n>', description: 'lower is used first (1-1000, default 50)' },
  'max-concurrency': { type: 'string', value: '<n>', description: 'concurrent requests, 0 = no limit' },
  'auth-header': { type: 'string', value: 'x-api-key|bearer', description: 'how the key is sent upstream' },
  map: {
    type: 'string',
    value: '<client=upstream>',
    multiple: true,
    description: 'model mapping (repeatable)',
  },
  proxy: { type: 'string', value: '<url>', description: 'http|https|socks5://[user@]host:port' },
  'proxy-password': { type: 'string', value: '<password>', description: 'password for the proxy user' },
};

function stateText(account: Account): string {
  const { state } = account;
  if (state.kind === 'active') return 'active';
  return state.reason ? `disabled (${state.reason})` : 'disabled';
}

function describeAccount(account: Account): string {
  return fields([
    ['id', account.id],
    ['name', account.name],
    ['type', account.type],
    ['platform', account.platform],
    ['state', stateText(account)],
    ['disabled since', account.state.kind === 'disabled' ? formatTime(account.state.since) : undefined],
    ['description', account.description],
    ['base URL', account.baseUrl],
    ['auth header', account.authHeader],
    ['proxy', proxyText(account.proxy)],
    ['priority', String(account.priority)],
    ['weight', String(account.weight)],
    ['max concurrency', account.maxConcurrency === 0 ? 'no limit' : String(account.maxConcurrency)],
    ['schedulable', account.schedulable ? 'yes' : 'no'],
    ['model mapping', compact(account.modelMapping)],
    ['supported models', compact(account.supportedModels)],
    ['created', formatTime(account.createdAt)],
    ['updated', formatTime(account.updatedAt)],
  ]);
}

const ID = ['id'] as const;

export const ACCOUNT_COMMANDS: readonly Command[] = [
  {
    group: 'accounts',
    action: 'create',
    summary: 'add an upstream account (the API key is stored encrypted and never printed)',
    positionals: [],
    options: CREATE_OPTIONS,
    prepare(args) {
      const type = choice(args, 'type', ACCOUNT_TYPES, TOPIC);
      if (type === undefined) throw new UsageError('--type is required', TOPIC);
      const name = requiredText(args, 'name', TOPIC);
      const apiKeyArg = requiredText(args, 'api-key', TOPIC);
      const proxyArg = text(args, 'proxy');
      const proxyPassword = text(args, 'proxy-password');
      if (proxyPassword !== undefined && proxyArg === undefined) {
        throw new UsageError('--proxy-password needs --proxy', TOPIC);
      }
      const input = {
        type,
        name,
        baseUrl: text(args, 'base-url'),
        priority: integer(args, 'priority', { min: 1, max: 1000 }, TOPIC),
        maxConcurrency: integer(args, 'max-concurrency', { min: 0, max: 10_000 }, TOPIC),
        authHeader: choice(args, 'auth-header', ['x-api-key', 'bearer'] as const, TOPIC),
        modelMapping: pairs(args, 'map', TOPIC),
        proxy: proxyArg === undefined ? undefined : parseProxy(proxyArg, TOPIC),
      };
      return async (services) => {
        const apiKey = apiKeyArg === '-' ? await readSecret() : apiKeyArg;
        if (apiKey === '') throw new AppError('invalid_request', 'credentials.apiKey: must not be empty');
        const account = await services.accounts.create({ ...input, credentials: { apiKey, proxyPassword } });
        return { json: account, text: `Created account ${account.id}\n${describeAccount(account)}` };
      };
    },
  },
  {
    group: 'accounts',
    action: 'list',
    summary: 'list upstream accounts, newest first',
    positionals: [],
    options: {
      limit: { type: 'string', value: '<n>', description: 'how many to show (1-500, default 50)' },
      cursor: { type: 'string', value: '<cursor>', description: 'continue from a previous page' },
    },
    prepare(args) {
      const limit = integer(args, 'limit', { min: 1, max: 500 }, 'accounts list');
      const cursor = text(args, 'cursor');
      return async (services) => {
        const page = await services.accounts.list({ limit, cursor });
        const rows = page.items.map((account) => [
          account.id,
          account.name,
          account.type,
          stateText(account),
          String(account.priority),
          account.maxConcurrency === 0 ? '-' : String(account.maxConcurrency),
          account.baseUrl,
        ]);
        const headers = ['id', 'name', 'type', 'state', 'priority', 'max conc', 'base url'];
        const lines = [rows.length === 0 ? 'No accounts.' : table(headers, rows)];
        if (page.nextCursor) lines.push('', `More: accounts list --cursor ${page.nextCursor}`);
        return { json: { items: page.items, nextCursor: page.nextCursor ?? null }, text: lines.join('\n') };
      };
    },
  },
  {
    group: 'accounts',
    action: 'show',
    summary: 'show one upstream account (without its credentials)',
    positionals: ID,
    options: {},
    prepare(args) {
      const id = positional(args, 0);
      return async (services) => {
        const account = await services.accounts.get(id);
        if (!account) throw new AppError('not_found', `Account ${id} does not exist`);
        return { json: account, text: describeAccount(account) };
      };
    },
  },
  {
    group: 'accounts',
    action: 'disable',
    summary: 'take an account out of scheduling',
    positionals: ID,
    options: { reason: { type: 'string', value: '<reason>', description: 'why, shown with the state' } },
    prepare(args) {
      const id = positional(args, 0);
      const reason = text(args, 'reason');
      // The service checks the length only when it writes, and then as an internal error.
      if (reason !== undefined && reason.length > 500) {
        throw new UsageError('--reason must be at most 500 characters', 'accounts disable');
      }
      return async (services) => {
        const account = await services.accounts.disable(id, reason);
        return { json: account, text: `Disabled account ${account.id} (${account.name})` };
      };
    },
  },
  {
    group: 'accounts',
    action: 'enable',
    summary: 'put a disabled account back into scheduling',
    positionals: ID,
    options: {},
    prepare(args) {
      const id = positional(args, 0);
      return async (services) => {
        const account = await services.accounts.enable(id);
        return { json: account, text: `Enabled account ${account.id} (${account.name})` };
      };
    },
  },
];
