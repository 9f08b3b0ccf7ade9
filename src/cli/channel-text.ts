// Text rendering of notification channels for the admin CLI: a channel's settings and secret hints (never a
// secret), its delivery log, and one delivery's state.
import type { ChannelView } from '../services/notify/channel-types.js';
import type { DeliveryLogItem } from '../services/notify/delivery-log.js';
import type { DeliveryStatus } from '../services/notify/delivery-queue.js';
import { compact, fields, formatTime, table } from './output.js';

/** Where the channel sends, as far as it can be shown: a URL, a URL's origin (hint), recipients or a chat. */
export function targetOf(channel: ChannelView): string {
  const { settings } = channel;
  const shown = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return (
    shown(settings.url) ??
    channel.secrets.find((secret) => secret.field === 'webhookUrl')?.hint ??
    (Array.isArray(settings.to) ? settings.to.join(', ') : undefined) ??
    shown(settings.chatId) ??
    shown(settings.serverUrl) ??
    '-'
  );
}

export function channelRows(channels: readonly ChannelView[]): string[][] {
  return channels.map((channel) => [
    channel.id,
    channel.name,
    channel.kind,
    channel.enabled ? 'enabled' : 'disabled',
    targetOf(channel),
  ]);
}

export const CHANNEL_HEADERS = ['id', 'name', 'kind', 'state', 'target'];

export function describeChannel(channel: ChannelView): string {
  return fields([
    ['id', channel.id],
    ['name', channel.name],
    ['kind', channel.kind],
    ['state', channel.enabled ? 'enabled' : 'disabled (test sends still go out)'],
    ...Object.entries(channel.settings).map(([name, value]) => [name, compact(value)] as const),
    [
      'secrets',
      channel.secrets.length === 0
        ? '-'
        : channel.secrets.map((secret) => `${secret.field} (${secret.hint})`).join(', '),
    ],
    ['created', formatTime(channel.createdAt)],
    ['updated', formatTime(channel.updatedAt)],
  ]);
}

function resultOf(item: DeliveryLogItem): string {
  const status = item.httpStatus === undefined ? undefined : `HTTP ${item.httpStatus}`;
  return [status, item.error].filter((part) => part !== undefined).join(': ') || '-';
}

export function deliveriesTable(items: readonly DeliveryLogItem[]): string {
  if (items.length === 0) return 'No deliveries.';
  const rows = items.map((item) => [
    formatTime(item.at) ?? '',
    item.deliveryId,
    item.status,
    String(item.attempt),
    resultOf(item),
    `${Math.round(item.durationMs)}ms`,
    item.notification.title,
  ]);
  return table(['at', 'delivery', 'status', 'attempt', 'result', 'took', 'notification'], rows);
}

export function describeDelivery(delivery: DeliveryStatus): string {
  return fields([
    ['delivery', delivery.id],
    ['channel', delivery.channelId],
    ['status', delivery.status],
    ['attempts', String(delivery.attempts)],
    ['last result', delivery.lastResult],
    ['next attempt', formatTime(delivery.nextAttemptAt)],
    ['notification', delivery.notification.title],
  ]);
}
