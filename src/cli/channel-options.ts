// Options for a notification channel's settings, shared by `channels create` and `channels update`: every kind's
// settings side by side (the channel service refuses, by name, those the kind does not have), secret ones given
// as a value or "-" for stdin, and the record fields the service's errors name mapped back to options.
import { CHANNEL_KINDS } from '../services/notify/channel-types.js';
import { readSecrets, type SecretArgs, secretOptions } from './account-options.js';
import { choice, integer, list, type OptionTable, type ParsedArgs, text, UsageError } from './args.js';
import type { FieldOptions } from './field-options.js';

const STDIN = '"-" reads it from stdin (keeps it out of shell history)';

export const CHANNEL_SETTING_OPTIONS: OptionTable = {
  url: { type: 'string', value: '<url>', description: 'webhook: where deliveries are POSTed' },
  'signing-secret': {
    type: 'string',
    value: '<secret>',
    description: `webhook (whsec_…, generated and shown once when left out), feishu, dingtalk; ${STDIN}`,
  },
  'webhook-url': {
    type: 'string',
    value: '<url>',
    description: `slack, discord, feishu, dingtalk, wecom: the incoming webhook (a secret); ${STDIN}`,
  },
  'bot-token': { type: 'string', value: '<token>', description: `telegram; ${STDIN}` },
  'chat-id': { type: 'string', value: '<id|@channel>', description: 'telegram: where to post' },
  'api-base-url': {
    type: 'string',
    value: '<url>',
    description: 'telegram: default https://api.telegram.org',
  },
  'server-url': { type: 'string', value: '<url>', description: 'bark: default https://api.day.app' },
  'device-key': { type: 'string', value: '<key>', description: `bark; ${STDIN}` },
  group: { type: 'string', value: '<group>', description: 'bark: the notification group' },
  host: { type: 'string', value: '<host>', description: 'smtp' },
  port: { type: 'string', value: '<port>', description: 'smtp' },
  tls: { type: 'string', value: 'implicit|starttls|none', description: 'smtp: default starttls' },
  username: { type: 'string', value: '<user>', description: 'smtp' },
  password: { type: 'string', value: '<password>', description: `smtp; ${STDIN}` },
  from: { type: 'string', value: '<address>', description: 'smtp: the sender' },
  to: { type: 'string', value: '<address>', multiple: true, description: 'smtp: a recipient (repeatable)' },
};

/** Secret settings and the option that gives each; never printed back. */
const SECRET_OPTIONS = {
  signingSecret: 'signing-secret',
  webhookUrl: 'webhook-url',
  botToken: 'bot-token',
  deviceKey: 'device-key',
  password: 'password',
} as const;
type SecretField = keyof typeof SECRET_OPTIONS;

/** The plain settings and the option of each. */
const PLAIN_OPTIONS = {
  url: 'url',
  chatId: 'chat-id',
  apiBaseUrl: 'api-base-url',
  serverUrl: 'server-url',
  group: 'group',
  host: 'host',
  username: 'username',
  from: 'from',
} as const;

/** The record fields the channel service names in its errors, and the option that set each. */
export const CHANNEL_FIELD_OPTIONS: FieldOptions = {
  name: 'name',
  kind: 'kind',
  ...SECRET_OPTIONS,
  ...PLAIN_OPTIONS,
  port: 'port',
  tls: 'tls',
  to: 'to',
};

const FIELD_OF_OPTION: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(CHANNEL_FIELD_OPTIONS).map(([field, option]) => [option, field]),
);

export const KIND_VALUES = CHANNEL_KINDS.join('|');

/** The settings given, read before anything connects; the secrets come later, from `readChannelSecrets`. */
export interface ChannelSettingArgs {
  settings: Record<string, unknown>;
  secrets: SecretArgs<SecretField>;
}

export function parseChannelSettings(args: ParsedArgs, topic: string): ChannelSettingArgs {
  const settings: Record<string, unknown> = {};
  for (const [field, option] of Object.entries(PLAIN_OPTIONS)) {
    const value = text(args, option);
    if (value !== undefined) settings[field] = value;
  }
  const port = integer(args, 'port', { min: 1, max: 65_535 }, topic);
  if (port !== undefined) settings.port = port;
  const tls = choice(args, 'tls', ['implicit', 'starttls', 'none'] as const, topic);
  if (tls !== undefined) settings.tls = tls;
  const to = list(args, 'to');
  if (to.length > 0) settings.to = to;
  return { settings, secrets: secretOptions(args, SECRET_OPTIONS, topic) };
}

/** `--unset <option>`: the settings to remove, by field; an option that is also given is a contradiction. */
export function unsetFields(args: ParsedArgs, topic: string): Record<string, null> {
  const removed: Record<string, null> = {};
  for (const option of list(args, 'unset')) {
    const field = FIELD_OF_OPTION[option];
    if (field === undefined || CHANNEL_SETTING_OPTIONS[option] === undefined) {
      throw new UsageError(`--unset takes a setting's option name, such as group (got "${option}")`, topic);
    }
    if (args.values[option] !== undefined) {
      throw new UsageError(`--${option} and --unset ${option} cannot be combined`, topic);
    }
    removed[field] = null;
  }
  return removed;
}

/** The settings with the secrets read (stdin for the one given as "-"). */
export async function withSecrets(given: ChannelSettingArgs): Promise<Record<string, unknown>> {
  return { ...given.settings, ...(await readSecrets(given.secrets)) };
}
