// `accounts …` commands: create, list, show, enable/disable, test and reset upstream accounts; secrets never printed.
import {
  ACCOUNT_TYPES,
  type AccountType,
  CREDENTIAL_OF,
  isOAuthType,
} from '../../services/accounts/account-types.js';
import {
  ACCOUNT_SETTING_OPTIONS,
  parseAccountSettings,
  readSecrets,
  type SecretArgs,
  secretOptions,
} from '../account-options.js';
import {
  describeAccount,
  describeTest,
  historyTable,
  liveText,
  stateText,
  testsTable,
} from '../account-text.js';
import {
  choice,
  integer,
  type OptionTable,
  type ParsedArgs,
  pairs,
  positional,
  requiredText,
  text,
  UsageError,
} from '../args.js';
import type { Command } from '../command.js';
import { table } from '../output.js';
import { OAUTH_COMMANDS } from './account-oauth.js';

const TOPIC = 'accounts create';
/** How many state changes and connection tests `accounts show` lists. */
const SHOWN_HISTORY = 5;

const CREATE_OPTIONS: OptionTable = {
  type: {
    type: 'string',
    // OAuth accounts come from signing in (oauth-start/oauth-finish); `--type claude-oauth` says so.
    value: ACCOUNT_TYPES.filter((type) => !isOAuthType(type)).join('|'),
    required: true,
    description:
      'kind of upstream (claude-oauth, openai-oauth and gemini-oauth accounts: see accounts oauth-start)',
  },
  name: { type: 'string', value: '<name>', required: true, description: 'a name for the account' },
  'api-key': {
    type: 'string',
    value: '<key>',
    description:
      'the upstream API key, for bedrock a Bedrock API key, for droid a Factory API key (fk-…); "-" reads it from stdin (keeps it out of shell history)',
  },
  'refresh-token': {
    type: 'string',
    value: '<token>',
    description:
      'droid: the WorkOS refresh token of a Droid CLI sign-in, instead of --api-key; the relay refreshes from it ("-": stdin)',
  },
  'access-token': {
    type: 'string',
    value: '<token>',
    description:
      'droid: the sign-in’s current access token, with --refresh-token (unset: the first request refreshes one)',
  },
  region: {
    type: 'string',
    value: '<region>',
    description: 'AWS region of a bedrock account, e.g. us-east-1',
  },
  'aws-access-key-id': {
    type: 'string',
    value: '<id>',
    description: 'bedrock: AWS access key id ("-": stdin)',
  },
  'aws-secret-access-key': {
    type: 'string',
    value: '<secret>',
    description: 'bedrock: AWS secret access key ("-": stdin)',
  },
  'aws-session-token': {
    type: 'string',
    value: '<token>',
    description: 'bedrock: AWS session token for temporary credentials ("-": stdin)',
  },
  'api-version': {
    type: 'string',
    value: '<version>',
    description:
      'azure-openai: api-version, e.g. 2024-10-21 or 2025-04-01-preview (deployment in the path), preview, or v1 (the default: the v1 API)',
  },
  deployment: {
    type: 'string',
    value: '<model=deployment>',
    multiple: true,
    description:
      'azure-openai: the deployment serving a model (repeatable); a model without one goes to the deployment of its name',
  },
  ...ACCOUNT_SETTING_OPTIONS,
  'auth-header': {
    type: 'string',
    value: 'x-api-key|bearer',
    description:
      'how the key is sent upstream (azure-openai: bearer sends a Microsoft Entra ID token, otherwise the api-key header)',
  },
};

/** Secret fields of `accounts create` and the option that gives each. */
const SECRET_OPTIONS = {
  apiKey: 'api-key',
  refreshToken: 'refresh-token',
  accessToken: 'access-token',
  awsAccessKeyId: 'aws-access-key-id',
  awsSecretAccessKey: 'aws-secret-access-key',
  awsSessionToken: 'aws-session-token',
  proxyPassword: 'proxy-password',
} as const;
type SecretField = keyof typeof SECRET_OPTIONS;

const BEDROCK_ONLY = ['region', 'aws-access-key-id', 'aws-secret-access-key', 'aws-session-token'] as const;
const AZURE_ONLY = ['api-version', 'deployment'] as const;
const DROID_ONLY = ['refresh-token', 'access-token'] as const;

/** Which credentials the kind needs, checked here so that the message names the options to give. */
function checkCredentials(
  type: AccountType,
  args: ParsedArgs,
  secrets: SecretArgs<SecretField>,
  topic: string,
): void {
  if (isOAuthType(type)) {
    throw new UsageError(
      `${type} accounts are added by signing in: run "accounts oauth-start" with --type ${type}, then "accounts oauth-finish"`,
      topic,
    );
  }
  const notAzure =
    type === 'azure-openai' ? undefined : AZURE_ONLY.find((name) => args.values[name] !== undefined);
  if (notAzure !== undefined) throw new UsageError(`--${notAzure} is only for azure-openai accounts`, topic);
  if (CREDENTIAL_OF[type] === 'workos') {
    checkDroidCredentials(args, secrets, topic);
    return;
  }
  const notDroid = DROID_ONLY.find((name) => args.values[name] !== undefined);
  if (notDroid !== undefined) throw new UsageError(`--${notDroid} is only for droid accounts`, topic);
  if (CREDENTIAL_OF[type] !== 'aws') {
    const misplaced = BEDROCK_ONLY.find((name) => args.values[name] !== undefined);
    if (misplaced !== undefined) throw new UsageError(`--${misplaced} is only for bedrock accounts`, topic);
    if (!secrets.apiKey) throw new UsageError(`--api-key is required for ${type} accounts`, topic);
    return;
  }
  if (text(args, 'region') === undefined)
    throw new UsageError('--region is required for bedrock accounts', topic);
  if (args.values['auth-header'] !== undefined) {
    throw new UsageError('--auth-header is not used by bedrock accounts', topic);
  }
  const { apiKey, awsAccessKeyId, awsSecretAccessKey, awsSessionToken } = secrets;
  const awsKeys = awsAccessKeyId ?? awsSecretAccessKey ?? awsSessionToken;
  if (apiKey && awsKeys) {
    throw new UsageError(
      `--api-key and --${awsKeys.option} cannot be combined: give a Bedrock API key or AWS keys`,
      topic,
    );
  }
  if (apiKey) return;
  if (!awsKeys) {
    throw new UsageError(
      'bedrock accounts need --api-key (a Bedrock API key) or --aws-access-key-id and --aws-secret-access-key',
      topic,
    );
  }
  if (!awsAccessKeyId && !awsSecretAccessKey) {
    throw new UsageError('--aws-session-token needs --aws-access-key-id and --aws-secret-access-key', topic);
  }
  if (!awsAccessKeyId || !awsSecretAccessKey) {
    throw new UsageError('--aws-access-key-id and --aws-secret-access-key go together: give both', topic);
  }
}

/** A Factory API key, or the tokens of a Droid CLI sign-in: one of the two, never both. */
function checkDroidCredentials(args: ParsedArgs, secrets: SecretArgs<SecretField>, topic: string): void {
  const misplaced = BEDROCK_ONLY.find((name) => args.values[name] !== undefined);
  if (misplaced !== undefined) throw new UsageError(`--${misplaced} is only for bedrock accounts`, topic);
  // Factory takes both credentials as bearer tokens.
  if (args.values['auth-header'] !== undefined) {
    throw new UsageError('--auth-header is not used by droid accounts', topic);
  }
  const { apiKey, refreshToken, accessToken } = secrets;
  if (apiKey && (refreshToken ?? accessToken)) {
    throw new UsageError(
      '--api-key and the sign-in tokens cannot be combined: give a Factory API key or --refresh-token',
      topic,
    );
  }
  if (accessToken && !refreshToken) {
    throw new UsageError(
      '--access-token needs --refresh-token: without it the account stops at its expiry',
      topic,
    );
  }
  if (!apiKey && !refreshToken) {
    throw new UsageError(
      'droid accounts need --api-key (a Factory API key) or --refresh-token (a Droid CLI sign-in)',
      topic,
    );
  }
}

const ID = ['id'] as const;

export const ACCOUNT_COMMANDS: readonly Command[] = [
  {
    group: 'accounts',
    action: 'create',
    summary: 'add an upstream account (its secrets are stored encrypted and never printed)',
    positionals: [],
    options: CREATE_OPTIONS,
    prepare(args) {
      const type = choice(args, 'type', ACCOUNT_TYPES, TOPIC);
      if (type === undefined) throw new UsageError('--type is required', TOPIC);
      const name = requiredText(args, 'name', TOPIC);
      const secrets = secretOptions(args, SECRET_OPTIONS, TOPIC);
      checkCredentials(type, args, secrets, TOPIC);
      const input = {
        ...parseAccountSettings(args, TOPIC),
        type,
        name,
        region: text(args, 'region'),
        apiVersion: text(args, 'api-version'),
        deployments: type === 'azure-openai' ? pairs(args, 'deployment', TOPIC) : undefined,
        authHeader: choice(args, 'auth-header', ['x-api-key', 'bearer'] as const, TOPIC),
      };
      return async (services, { actor }) => {
        const credentials = await readSecrets(secrets);
        const account = await services.control.accounts.create(actor, { ...input, credentials });
        return { json: account, text: `Created account ${account.id}\n${describeAccount(account)}` };
      };
    },
  },
  ...OAUTH_COMMANDS,
  {
    group: 'accounts',
    action: 'list',
    summary: 'list upstream accounts, newest first, with their live state',
    positionals: [],
    options: {
      limit: { type: 'string', value: '<n>', description: 'how many to show (1-500, default 50)' },
      cursor: { type: 'string', value: '<cursor>', description: 'continue from a previous page' },
    },
    prepare(args) {
      const limit = integer(args, 'limit', { min: 1, max: 500 }, 'accounts list');
      const cursor = text(args, 'cursor');
      return async (services, { actor }) => {
        const page = await services.control.accounts.list(actor, { limit, cursor });
        const items = await Promise.all(
          page.items.map(async (account) => ({
            ...account,
            live: await services.control.accounts.liveState(actor, account),
          })),
        );
        const rows = items.map((account) => [
          account.id,
          account.name,
          account.type,
          stateText(account),
          account.live.kind,
          String(account.priority),
          String(account.weight),
          account.maxConcurrency === 0 ? '-' : String(account.maxConcurrency),
          account.baseUrl,
        ]);
        const headers = ['id', 'name', 'type', 'state', 'live', 'priority', 'weight', 'max conc', 'base url'];
        const lines = [rows.length === 0 ? 'No accounts.' : table(headers, rows)];
        if (page.nextCursor) lines.push('', `More: accounts list --cursor ${page.nextCursor}`);
        return { json: { items, nextCursor: page.nextCursor ?? null }, text: lines.join('\n') };
      };
    },
  },
  {
    group: 'accounts',
    action: 'show',
    summary: 'show one upstream account with its live state, recent state changes and connection tests',
    positionals: ID,
    options: {},
    prepare(args) {
      const id = positional(args, 0);
      return async (services, { actor }) => {
        const account = await services.control.accounts.get(actor, id);
        const [live, history, connectionTests] = await Promise.all([
          services.control.accounts.liveState(actor, account),
          services.control.accounts.history(actor, id, SHOWN_HISTORY),
          services.control.accounts.connectionTests(actor, id, SHOWN_HISTORY),
        ]);
        return {
          json: { ...account, live, history, connectionTests },
          text: [
            describeAccount(account, live),
            '',
            'Recent state changes:',
            historyTable(history),
            '',
            'Recent connection tests:',
            testsTable(connectionTests),
          ].join('\n'),
        };
      };
    },
  },
  {
    group: 'accounts',
    action: 'test',
    summary: 'send the account a one-token request and report the answer (exit 1 when it fails)',
    positionals: ID,
    options: {
      model: {
        type: 'string',
        value: '<model>',
        description: 'model to ask for (default: the first the account lists, else claude-haiku-4-5)',
      },
    },
    prepare(args) {
      const id = positional(args, 0);
      const model = text(args, 'model');
      if (model !== undefined && (model.trim() === '' || model.length > 200)) {
        throw new UsageError('--model must be a model name of 1-200 characters', 'accounts test');
      }
      return async (services, { actor }) => {
        const account = await services.control.accounts.get(actor, id);
        // The control plane runs (and audits) the test with the tester this process provides, as a server does.
        const result = await services.control.accounts.test(actor, id, model);
        return { json: result, text: describeTest(account, result), exitCode: result.ok ? 0 : 1 };
      };
    },
  },
  {
    group: 'accounts',
    action: 'reset',
    summary: 'put an account that upstream answers took out (rate limit, auth failure…) back to active',
    positionals: ID,
    options: {},
    prepare(args) {
      const id = positional(args, 0);
      return async (services, { actor }) => {
        const { account, change, live } = await services.control.accounts.resetWithChange(actor, id);
        const notes =
          account.state.kind === 'disabled'
            ? [`Account ${id} is still disabled: "accounts enable ${id}" puts it back into scheduling.`]
            : [];
        const was = change ? `was ${change.from}` : 'was already active';
        return {
          json: { ...account, live },
          text: `Reset account ${account.id} (${account.name}): ${was}, now ${liveText(live)}`,
          notes,
        };
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
      return async (services, { actor }) => {
        const account = await services.control.accounts.disable(actor, id, reason);
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
      return async (services, { actor }) => {
        const account = await services.control.accounts.enable(actor, id);
        return { json: account, text: `Enabled account ${account.id} (${account.name})` };
      };
    },
  },
];
