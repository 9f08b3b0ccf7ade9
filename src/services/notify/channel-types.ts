// Zod schemas of notification channels: each kind's settings (which of them are secret), inputs, stored record.
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import { type InputIssue, invalidInput } from '../validation.js';

const required = (message: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? 'is required' : message;

const httpUrl = z.url({
  protocol: /^https?$/,
  error: required('must be an http:// or https:// URL'),
});
/** A base URL the relay appends a path to (`/push`, `/bot<token>/sendMessage`). */
const baseUrl = httpUrl.transform((value) => value.replace(/\/+$/, ''));
const text = (max: number) =>
  z
    .string({ error: required('must be a string') })
    .trim()
    .min(1)
    .max(max);
const signingSecret = z
  .string({ error: required('must be a string') })
  .min(1)
  .max(200);

/**
 * Standard Webhooks secrets are `whsec_` + base64 of the key; the spec asks for 24 to 64 random bytes.
 * (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#signature-scheme)
 */
const whsec = z
  .string({ error: required('must be a string') })
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, { error: 'must be whsec_ followed by base64' })
  .refine(
    (value) => {
      const bytes = Buffer.from(value.slice('whsec_'.length), 'base64').length;
      return bytes >= 24 && bytes <= 64;
    },
    { error: 'must encode 24 to 64 bytes' },
  );

// Each kind's whole configuration, flat (as the control plane takes it); `SECRET_FIELDS` says which are sealed.
const webhookConfig = z.strictObject({
  kind: z.literal('webhook'),
  url: httpUrl,
  /** Generated on create when not given, shown once. */
  signingSecret: whsec.optional(),
});
const slackConfig = z.strictObject({ kind: z.literal('slack'), webhookUrl: httpUrl });
const discordConfig = z.strictObject({ kind: z.literal('discord'), webhookUrl: httpUrl });
const feishuConfig = z.strictObject({
  kind: z.literal('feishu'),
  webhookUrl: httpUrl,
  /** The bot's "signature verification" secret, when the group set one. */
  signingSecret: signingSecret.optional(),
});
const dingtalkConfig = z.strictObject({
  kind: z.literal('dingtalk'),
  webhookUrl: httpUrl,
  /** The robot's 加签 secret (`SEC…`), when the group set one. */
  signingSecret: signingSecret.optional(),
});
const wecomConfig = z.strictObject({ kind: z.literal('wecom'), webhookUrl: httpUrl });
const telegramConfig = z.strictObject({
  kind: z.literal('telegram'),
  // Tokens from @BotFather look like `123456789:AA…`.
  botToken: z
    .string({ error: required('must be a string') })
    .regex(/^\d+:[A-Za-z0-9_-]+$/, { error: 'must be a bot token from @BotFather (digits:letters)' }),
  /** A numeric chat id (negative for groups) or a public channel's `@username`. */
  chatId: z
    .union([z.string(), z.number().int()], { error: required('must be a chat id or @channel') })
    .transform(String)
    .pipe(z.string().regex(/^(-?\d+|@[A-Za-z0-9_]{4,64})$/, { error: 'must be a chat id or @channel' })),
  apiBaseUrl: baseUrl.default('https://api.telegram.org'),
});
const barkConfig = z.strictObject({
  kind: z.literal('bark'),
  serverUrl: baseUrl.default('https://api.day.app'),
  deviceKey: text(200),
  group: text(100).optional(),
});
const smtpConfig = z.strictObject({
  kind: z.literal('smtp'),
  host: text(255),
  port: z
    .number({ error: required('must be a number') })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be between 1 and 65535' })
    .max(65535, { error: 'must be between 1 and 65535' }),
  /** `implicit`: TLS from the first byte (port 465); `starttls`: upgrade required; `none`: plain text only. */
  tls: z
    .enum(['implicit', 'starttls', 'none'], { error: 'must be implicit, starttls or none' })
    .default('starttls'),
  username: text(255).optional(),
  password: z.string().min(1).max(1000).optional(),
  from: z.email({ error: required('must be an email address') }),
  to: z
    .array(z.email({ error: 'must be an email address' }), { error: required('must be a list of addresses') })
    .min(1, { error: 'must name at least one address' })
    .max(50),
});

export const CHANNEL_CONFIG_SCHEMAS = {
  webhook: webhookConfig,
  slack: slackConfig,
  discord: discordConfig,
  feishu: feishuConfig,
  dingtalk: dingtalkConfig,
  wecom: wecomConfig,
  telegram: telegramConfig,
  bark: barkConfig,
  smtp: smtpConfig,
} as const;

export type ChannelKind = keyof typeof CHANNEL_CONFIG_SCHEMAS;
export const CHANNEL_KINDS = Object.keys(CHANNEL_CONFIG_SCHEMAS) as ChannelKind[];
export type ConfigOf<K extends ChannelKind> = z.output<(typeof CHANNEL_CONFIG_SCHEMAS)[K]>;
export type ChannelConfig = { [K in ChannelKind]: ConfigOf<K> }[ChannelKind];
export type WebhookConfig = ConfigOf<'webhook'>;
export type SmtpConfig = ConfigOf<'smtp'>;

/**
 * Settings sealed at rest and never read back: signing secrets, tokens, passwords, and the webhook URLs of chat
 * vendors, whose path or query is the credential (`/hooks/T…/B…/…`, `?access_token=`, `?key=`).
 */
export const SECRET_FIELDS: { [K in ChannelKind]: ReadonlyArray<keyof ConfigOf<K> & string> } = {
  webhook: ['signingSecret'],
  slack: ['webhookUrl'],
  discord: ['webhookUrl'],
  feishu: ['webhookUrl', 'signingSecret'],
  dingtalk: ['webhookUrl', 'signingSecret'],
  wecom: ['webhookUrl'],
  telegram: ['botToken'],
  bark: ['deviceKey'],
  smtp: ['password'],
};

const kindSchema = z.object({
  kind: z.enum(CHANNEL_KINDS as [ChannelKind, ...ChannelKind[]], {
    error: `must be one of ${CHANNEL_KINDS.join(', ')}`,
  }),
});

const commonInputSchema = z.object({
  name: z
    .string({ error: required('must be a string') })
    .trim()
    .min(1)
    .max(100),
  enabled: z.boolean().default(true),
});

/** What the control plane sends to create a channel: a name, `enabled`, the kind and its settings, flat. */
export type CreateChannelInput = { name: string; enabled?: boolean; kind: string } & Record<string, unknown>;
/** Changed settings only; `null` removes an optional one. The kind cannot change. */
export type UpdateChannelInput = { name?: string; enabled?: boolean } & Record<string, unknown>;

const updateCommonSchema = commonInputSchema.partial();

export function parseCreateInput(input: unknown): { name: string; enabled: boolean; config: ChannelConfig } {
  const record = asRecord(input);
  const { name, enabled, ...config } = record;
  const common = parseOrThrow(commonInputSchema, { name, enabled });
  return { ...common, config: parseConfig(config) };
}

export function parseUpdateInput(input: unknown): {
  name?: string;
  enabled?: boolean;
  changes: Record<string, unknown>;
} {
  const { name, enabled, ...changes } = asRecord(input);
  return { ...parseOrThrow(updateCommonSchema, { name, enabled }), changes };
}

/** A kind's whole configuration, checked; unknown settings are refused by name. */
export function parseConfig(input: Record<string, unknown>): ChannelConfig {
  const { kind } = parseOrThrow(kindSchema, input);
  return parseOrThrow(CHANNEL_CONFIG_SCHEMAS[kind], input) as ChannelConfig;
}

function asRecord(input: unknown): Record<string, unknown> {
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) return { ...input };
  throw new AppError('invalid_request', '(input): must be an object', { details: { field: '(input)' } });
}

function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw invalidInput(result.error.issues.map(namedIssue));
}

/** zod reports unknown keys on the object; name the key itself, so the error says which setting is wrong. */
function namedIssue(issue: z.core.$ZodIssue): InputIssue {
  if (issue.code === 'unrecognized_keys') {
    return { path: [...issue.path, issue.keys[0] ?? ''], message: 'is not a setting of this channel kind' };
  }
  return issue;
}

const settingValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);
export type SettingValue = z.infer<typeof settingValue>;

export const secretHintSchema = z.object({ field: z.string(), hint: z.string() });
export type SecretHint = z.infer<typeof secretHintSchema>;

export const storedChannelSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(CHANNEL_KINDS as [ChannelKind, ...ChannelKind[]]),
  enabled: z.boolean(),
  /** The settings that are not secret. */
  settings: z.record(z.string(), settingValue),
  /** What may be shown of each secret setting, worked out when it was written. */
  secretHints: z.array(secretHintSchema),
  /** The secret settings as one sealed JSON object (AAD: the channel id). */
  sealedSecrets: z.string().optional(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type StoredChannel = z.infer<typeof storedChannelSchema>;

/** A channel as reads return it: settings without secrets, and a hint for each secret it holds. */
export interface ChannelView {
  id: string;
  name: string;
  kind: ChannelKind;
  enabled: boolean;
  settings: Record<string, SettingValue>;
  secrets: SecretHint[];
  hasSecret: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A channel opened for sending: the stored record and its whole configuration, secrets included. */
export interface OpenedChannel {
  channel: ChannelView;
  config: ChannelConfig;
}

export function toView(stored: StoredChannel): ChannelView {
  const { sealedSecrets: _sealed, secretHints, ...rest } = stored;
  return { ...rest, secrets: secretHints, hasSecret: secretHints.length > 0 };
}
