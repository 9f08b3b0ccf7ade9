// GraphQL types of notification channels: the channel as reads give it (settings without secrets, a hint for
// each secret), its delivery attempts and a delivery's state, and the inputs with every kind's settings side by
// side. Validation stays in services/notify/channel-types.ts: the inputs are flat like the service's, so its
// errors name the setting as sent (`webhookUrl`, `to.1`).
import type { ChannelView, SecretHint, SettingValue } from '../../services/notify/channel-types.js';
import { CHANNEL_KINDS } from '../../services/notify/channel-types.js';
import { DELIVERY_OUTCOMES, type DeliveryLogItem } from '../../services/notify/delivery-log.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../services/notify/delivery-queue.js';
import { type BuilderTypes, builder } from '../builder.js';
import { SeverityEnum } from './alert-rules.js';

export const NotificationChannelKindEnum = builder.enumType('NotificationChannelKind', {
  description:
    'Where notifications go: a signed generic webhook, a chat vendor (slack, discord, feishu, dingtalk, ' +
    'wecom, telegram), a Bark push, or mail over SMTP.',
  values: CHANNEL_KINDS,
});

const SmtpTlsEnum = builder.enumType('SmtpTls', {
  description:
    'implicit: TLS from the first byte (port 465); starttls: upgrade required; none: plain text only.',
  values: ['implicit', 'starttls', 'none'] as const,
});

// ---- Outputs -------------------------------------------------------------------------------------------------

type Settings = Record<string, SettingValue>;

const stringSetting = (settings: Settings, field: string) => {
  const value = settings[field];
  return typeof value === 'string' ? value : null;
};

const NotificationChannelSettingsRef = builder.objectRef<Settings>('NotificationChannelSettings').implement({
  description:
    "A channel's settings that are not secret; each kind has a few of them, the others are null. Secret " +
    'settings (signing secrets, tokens, passwords, chat webhook URLs) are never read back: see `secrets`.',
  fields: (t) => ({
    url: t.string({
      nullable: true,
      description: 'webhook: where deliveries are POSTed.',
      resolve: (settings) => stringSetting(settings, 'url'),
    }),
    chatId: t.string({
      nullable: true,
      description: 'telegram: the chat id or @channel.',
      resolve: (settings) => stringSetting(settings, 'chatId'),
    }),
    apiBaseUrl: t.string({
      nullable: true,
      description: 'telegram: the Bot API base URL.',
      resolve: (settings) => stringSetting(settings, 'apiBaseUrl'),
    }),
    serverUrl: t.string({
      nullable: true,
      description: 'bark: the Bark server.',
      resolve: (settings) => stringSetting(settings, 'serverUrl'),
    }),
    group: t.string({
      nullable: true,
      description: 'bark: the notification group.',
      resolve: (settings) => stringSetting(settings, 'group'),
    }),
    host: t.string({ nullable: true, description: 'smtp', resolve: (s) => stringSetting(s, 'host') }),
    port: t.int({
      nullable: true,
      description: 'smtp',
      resolve: (settings) => (typeof settings.port === 'number' ? settings.port : null),
    }),
    tls: t.field({
      type: SmtpTlsEnum,
      nullable: true,
      description: 'smtp',
      resolve: (settings) => {
        const tls = settings.tls;
        return tls === 'implicit' || tls === 'starttls' || tls === 'none' ? tls : null;
      },
    }),
    username: t.string({
      nullable: true,
      description: 'smtp',
      resolve: (settings) => stringSetting(settings, 'username'),
    }),
    from: t.string({ nullable: true, description: 'smtp', resolve: (s) => stringSetting(s, 'from') }),
    to: t.stringList({
      nullable: true,
      description: 'smtp: the recipients.',
      resolve: (settings) => (Array.isArray(settings.to) ? settings.to : null),
    }),
  }),
});

const NotificationChannelSecretRef = builder.objectRef<SecretHint>('NotificationChannelSecret').implement({
  description: 'A secret setting the channel holds: its name, and what may be shown of it (a URL’s origin).',
  fields: (t) => ({
    field: t.exposeString('field'),
    hint: t.exposeString('hint'),
  }),
});

export const NotificationChannelRef = builder.objectRef<ChannelView>('NotificationChannel').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    kind: t.field({ type: NotificationChannelKindEnum, resolve: (channel) => channel.kind }),
    enabled: t.exposeBoolean('enabled', {
      description: 'Disabled channels get no alerts; test sends still reach them.',
    }),
    settings: t.field({ type: NotificationChannelSettingsRef, resolve: (channel) => channel.settings }),
    secrets: t.field({ type: [NotificationChannelSecretRef], resolve: (channel) => channel.secrets }),
    hasSecret: t.exposeBoolean('hasSecret'),
    createdAt: t.field({ type: 'DateTime', resolve: (channel) => new Date(channel.createdAt) }),
    updatedAt: t.field({ type: 'DateTime', resolve: (channel) => new Date(channel.updatedAt) }),
  }),
});

const DeliveryOutcomeEnum = builder.enumType('NotificationDeliveryOutcome', {
  description: 'delivered; retrying (another attempt is due); failed (no attempt left, or refused for good).',
  values: DELIVERY_OUTCOMES,
});

const DeliveryStateEnum = builder.enumType('NotificationDeliveryState', {
  values: DELIVERY_STATUSES,
});

const DeliveredNotificationRef = builder
  .objectRef<DeliveryLogItem['notification']>('DeliveredNotification')
  .implement({
    description: 'The notification a delivery carries.',
    fields: (t) => ({
      id: t.exposeID('id'),
      type: t.exposeString('type', { description: 'alert.firing, alert.resolved or channel.test.' }),
      severity: t.field({ type: SeverityEnum, resolve: (notification) => notification.severity }),
      title: t.exposeString('title'),
    }),
  });

export const NotificationDeliveryAttemptRef = builder
  .objectRef<DeliveryLogItem>('NotificationDeliveryAttempt')
  .implement({
    description: "One attempt to deliver a notification, from the channel's delivery log.",
    fields: (t) => ({
      id: t.exposeID('id', { description: 'Its place in the log (a page cursor).' }),
      deliveryId: t.exposeID('deliveryId'),
      channelId: t.exposeID('channelId'),
      at: t.field({ type: 'DateTime', resolve: (item) => new Date(item.at) }),
      status: t.field({ type: DeliveryOutcomeEnum, resolve: (item) => item.status }),
      attempt: t.exposeInt('attempt', { description: '1 for the first attempt.' }),
      httpStatus: t.exposeInt('httpStatus', { nullable: true }),
      error: t.exposeString('error', { nullable: true, description: 'What went wrong; never a secret.' }),
      durationMs: t.exposeFloat('durationMs'),
      nextAttemptAt: t.field({
        type: 'DateTime',
        nullable: true,
        description: 'For retrying: when the next attempt is due.',
        resolve: (item) => (item.nextAttemptAt === undefined ? null : new Date(item.nextAttemptAt)),
      }),
      notification: t.field({ type: DeliveredNotificationRef, resolve: (item) => item.notification }),
    }),
  });

const QueuedNotificationRef = builder
  .objectRef<DeliveryStatus['notification']>('QueuedNotification')
  .implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      type: t.exposeString('type'),
      title: t.exposeString('title'),
    }),
  });

export const NotificationDeliveryRef = builder.objectRef<DeliveryStatus>('NotificationDelivery').implement({
  description: 'One notification on its way to one channel; kept for a week after it was queued.',
  fields: (t) => ({
    id: t.exposeID('id'),
    channelId: t.exposeID('channelId'),
    kind: t.exposeString('kind', { description: "The channel's kind when it was queued." }),
    status: t.field({ type: DeliveryStateEnum, resolve: (delivery) => delivery.status }),
    attempts: t.exposeInt('attempts', { description: 'Attempts started so far.' }),
    createdAt: t.field({ type: 'DateTime', resolve: (delivery) => new Date(delivery.createdAt) }),
    updatedAt: t.field({ type: 'DateTime', resolve: (delivery) => new Date(delivery.updatedAt) }),
    nextAttemptAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: "The next attempt (queued, retrying), or the current attempt's deadline (sending).",
      resolve: (delivery) => (delivery.nextAttemptAt === undefined ? null : new Date(delivery.nextAttemptAt)),
    }),
    lastResult: t.exposeString('lastResult', {
      nullable: true,
      description: "The last attempt's HTTP status or error.",
    }),
    notification: t.field({ type: QueuedNotificationRef, resolve: (delivery) => delivery.notification }),
  }),
});

// ---- Inputs --------------------------------------------------------------------------------------------------

const SETTINGS_DESCRIPTION =
  'Settings of every kind side by side; give those of the channel’s kind. webhook: url, signingSecret ' +
  '(whsec_…; generated when left out). slack, discord, wecom: webhookUrl. feishu, dingtalk: webhookUrl, ' +
  'signingSecret. telegram: botToken, chatId, apiBaseUrl. bark: deviceKey, serverUrl, group. smtp: host, port, ' +
  'tls, username, password, from, to. Secret settings are write-only.';

export const CreateNotificationChannelInputRef = builder.inputType('CreateNotificationChannelInput', {
  description: SETTINGS_DESCRIPTION,
  fields: (t) => ({
    name: t.string({ required: true }),
    kind: t.field({ type: NotificationChannelKindEnum, required: true }),
    enabled: t.boolean({ description: 'Default true.' }),
    ...settingFields(t),
  }),
});

export const UpdateNotificationChannelInputRef = builder.inputType('UpdateNotificationChannelInput', {
  description: `${SETTINGS_DESCRIPTION} Only the settings given change; null removes an optional one. The kind cannot change.`,
  fields: (t) => ({
    name: t.string(),
    enabled: t.boolean(),
    ...settingFields(t),
  }),
});

function settingFields(t: PothosSchemaTypes.InputFieldBuilder<BuilderTypes, 'InputObject'>) {
  const secret = (kinds: string) => `${kinds}; secret: write-only.`;
  return {
    url: t.string({ description: 'webhook: where deliveries are POSTed (http or https).' }),
    signingSecret: t.string({ description: secret('webhook (whsec_…), feishu, dingtalk') }),
    webhookUrl: t.string({ description: secret('slack, discord, feishu, dingtalk, wecom') }),
    botToken: t.string({ description: secret('telegram') }),
    chatId: t.string({ description: 'telegram: a numeric chat id or @channel.' }),
    apiBaseUrl: t.string({ description: 'telegram: default https://api.telegram.org.' }),
    serverUrl: t.string({ description: 'bark: default https://api.day.app.' }),
    deviceKey: t.string({ description: secret('bark') }),
    group: t.string({ description: 'bark' }),
    host: t.string({ description: 'smtp' }),
    port: t.int({ description: 'smtp' }),
    tls: t.field({ type: SmtpTlsEnum, description: 'smtp: default starttls.' }),
    username: t.string({ description: 'smtp' }),
    password: t.string({ description: secret('smtp') }),
    from: t.string({ description: 'smtp' }),
    to: t.stringList({ description: 'smtp: the recipients.' }),
  };
}

/**
 * The settings given, as the channel service takes them: absent ones left out. A null is "not given" on create
 * and "remove it" on update, as the service reads it there.
 */
export function settingsOf(
  settings: Record<string, unknown>,
  nulls: 'not-given' | 'remove',
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(settings).filter(
      ([, value]) => value !== undefined && (value !== null || nulls === 'remove'),
    ),
  );
}
