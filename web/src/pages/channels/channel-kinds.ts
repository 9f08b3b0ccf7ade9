// Each channel kind's settings (from CreateNotificationChannelInput's description): which the form shows, which
// are secret (write-only, never read back), and the create or update input built from the form's values.
import type {
  CreateNotificationChannelInput,
  NotificationChannelKind,
  NotificationChannelSummaryFragment,
  SmtpTls,
  UpdateNotificationChannelInput,
} from '@clients/generated/graphql/graphql';

export type Channel = NotificationChannelSummaryFragment;

type StringField =
  | 'url'
  | 'signingSecret'
  | 'webhookUrl'
  | 'botToken'
  | 'chatId'
  | 'apiBaseUrl'
  | 'deviceKey'
  | 'serverUrl'
  | 'group'
  | 'host'
  | 'username'
  | 'password'
  | 'from';
export type SettingField = StringField | 'port' | 'tls' | 'to';

export type SettingValues = Record<StringField, string> & {
  port: number | string;
  tls: SmtpTls;
  to: string[];
};

export interface SettingSpec {
  field: SettingField;
  label: string;
  description?: string;
  placeholder?: string;
  /** Write-only: a password input, empty on edit (empty keeps the stored value). */
  secret?: boolean;
  /** Needed to create the channel (the server refuses it without). */
  required?: boolean;
  /** Said only while creating (what happens when it is left out). */
  createNote?: string;
}

const chatWebhook = (vendor: string): SettingSpec => ({
  field: 'webhookUrl',
  label: 'Webhook URL',
  description: `The ${vendor} bot's webhook URL; it is the credential, so it is stored sealed`,
  secret: true,
  required: true,
});

const botSecret = (what: string): SettingSpec => ({
  field: 'signingSecret',
  label: 'Signing secret',
  description: `${what}, when the group set one`,
  secret: true,
});

export const KIND_SETTINGS: Record<NotificationChannelKind, readonly SettingSpec[]> = {
  webhook: [
    {
      field: 'url',
      label: 'URL',
      description: 'Where deliveries are POSTed (http or https)',
      placeholder: 'https://example.com/hooks/relay',
      required: true,
    },
    {
      field: 'signingSecret',
      label: 'Signing secret',
      description: 'whsec_… (Standard Webhooks)',
      createNote: 'Leave empty and one is generated and shown once',
      secret: true,
    },
  ],
  slack: [chatWebhook('Slack incoming')],
  discord: [chatWebhook('Discord')],
  feishu: [chatWebhook('Feishu'), botSecret("The bot's signature verification secret")],
  dingtalk: [chatWebhook('DingTalk'), botSecret("The robot's signing secret (SEC…)")],
  wecom: [chatWebhook('WeCom')],
  telegram: [
    {
      field: 'botToken',
      label: 'Bot token',
      description: 'From @BotFather (123456789:AA…)',
      secret: true,
      required: true,
    },
    { field: 'chatId', label: 'Chat id', description: 'A numeric chat id or @channel', required: true },
    { field: 'apiBaseUrl', label: 'API base URL', placeholder: 'https://api.telegram.org' },
  ],
  bark: [
    { field: 'deviceKey', label: 'Device key', secret: true, required: true },
    { field: 'serverUrl', label: 'Server URL', placeholder: 'https://api.day.app' },
    { field: 'group', label: 'Group', description: 'The notification group' },
  ],
  smtp: [
    { field: 'host', label: 'SMTP host', required: true },
    { field: 'port', label: 'Port', description: '465 with implicit TLS, 587 with STARTTLS', required: true },
    { field: 'tls', label: 'TLS', description: 'Default STARTTLS' },
    { field: 'username', label: 'Username' },
    { field: 'password', label: 'Password', secret: true },
    { field: 'from', label: 'From address', required: true },
    {
      field: 'to',
      label: 'Recipients',
      description: 'Email addresses; press Enter after each',
      required: true,
    },
  ],
};

export const CHANNEL_KINDS: readonly NotificationChannelKind[] = [
  'webhook',
  'slack',
  'discord',
  'feishu',
  'dingtalk',
  'wecom',
  'telegram',
  'bark',
  'smtp',
];

export const KIND_LABELS: Record<NotificationChannelKind, string> = {
  webhook: 'Webhook',
  slack: 'Slack',
  discord: 'Discord',
  feishu: 'Feishu',
  dingtalk: 'DingTalk',
  wecom: 'WeCom',
  telegram: 'Telegram',
  bark: 'Bark',
  smtp: 'Email (SMTP)',
};

/** The form's starting values: the channel's readable settings; secrets always start empty. */
export function settingValues(channel: Channel | undefined): SettingValues {
  const settings = channel?.settings;
  return {
    url: settings?.url ?? '',
    signingSecret: '',
    webhookUrl: '',
    botToken: '',
    chatId: settings?.chatId ?? '',
    apiBaseUrl: settings?.apiBaseUrl ?? '',
    deviceKey: '',
    serverUrl: settings?.serverUrl ?? '',
    group: settings?.group ?? '',
    host: settings?.host ?? '',
    username: settings?.username ?? '',
    password: '',
    from: settings?.from ?? '',
    port: settings?.port ?? 587,
    tls: settings?.tls ?? 'starttls',
    to: settings?.to ?? [],
  };
}

type SettingsInput = Pick<UpdateNotificationChannelInput, SettingField>;

/** One setting's value for the API; undefined when the form leaves it empty. */
function settingInputValue(values: SettingValues, field: SettingField): SettingsInput[SettingField] {
  if (field === 'port') return values.port === '' ? undefined : Number(values.port);
  if (field === 'tls') return values.tls;
  if (field === 'to') return values.to.length === 0 ? undefined : values.to;
  const text = values[field].trim();
  return text === '' ? undefined : text;
}

function assign(input: SettingsInput, field: SettingField, value: SettingsInput[SettingField]) {
  // Each field takes its own type; valueOf produced it for that field.
  Object.assign(input, { [field]: value });
}

export function createInput(
  kind: NotificationChannelKind,
  common: { name: string; enabled: boolean },
  values: SettingValues,
): CreateNotificationChannelInput {
  const input: SettingsInput = {};
  for (const spec of KIND_SETTINGS[kind]) {
    const value = settingInputValue(values, spec.field);
    if (value !== undefined) assign(input, spec.field, value);
  }
  return { ...input, kind, name: common.name.trim(), enabled: common.enabled };
}

/**
 * Only what changed: a secret typed in replaces the stored one (empty keeps it); a cleared readable setting
 * is sent as null, which removes it (the server then uses its default or refuses a required one).
 */
export function updateInput(
  channel: Channel,
  common: { name: string; enabled: boolean },
  values: SettingValues,
): UpdateNotificationChannelInput {
  const before = settingValues(channel);
  const input: SettingsInput = {};
  for (const spec of KIND_SETTINGS[channel.kind]) {
    const value = settingInputValue(values, spec.field);
    if (spec.secret) {
      if (value !== undefined) assign(input, spec.field, value);
    } else if (JSON.stringify(value) !== JSON.stringify(settingInputValue(before, spec.field))) {
      assign(input, spec.field, value ?? null);
    }
  }
  return { ...input, name: common.name.trim(), enabled: common.enabled };
}

/** What the list may say of a stored secret: a URL's origin; other secrets show nothing ("…"). */
export function storedSecretText(secret: { hint: string } | undefined): string {
  if (!secret) return 'Not set';
  return secret.hint && secret.hint !== '…' ? `Set (${secret.hint})` : 'Set';
}

/** Where the channel sends, in a few words, from what may be shown (URL origins of secret webhook URLs). */
export function destinationOf(channel: Channel): string {
  const { settings } = channel;
  const hint = channel.secrets.find((secret) => secret.field === 'webhookUrl')?.hint;
  switch (channel.kind) {
    case 'webhook':
      return settings.url ?? '—';
    case 'telegram':
      return settings.chatId ? `chat ${settings.chatId}` : '—';
    case 'bark':
      return [settings.serverUrl, settings.group].filter(Boolean).join(' · ') || '—';
    case 'smtp':
      return `${(settings.to ?? []).join(', ')} via ${settings.host ?? '?'}`;
    default:
      return hint ?? '—';
  }
}
