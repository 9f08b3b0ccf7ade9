// Notification channel fields: channels, their delivery logs and a delivery's state for readers; create, change,
// delete and test sends for managers. Rules and the audit in ChannelAdmin; secrets are write-only.
import { requireUser } from '../schema/access.js';
import { builder } from '../schema/builder.js';
import {
  CreateNotificationChannelInputRef,
  NotificationChannelRef,
  NotificationDeliveryAttemptRef,
  NotificationDeliveryRef,
  settingsOf,
  UpdateNotificationChannelInputRef,
} from '../schema/types/notification-channels.js';
import type { CreatedChannel } from '../services/notify/channel-service.js';
import { idArg } from './input.js';
import { connectionOf, cursorNamedAfter, pageArgs, toConnection } from './page-info.js';

const NotificationChannelConnection = connectionOf('NotificationChannel', NotificationChannelRef);
const NotificationDeliveryAttemptConnection = connectionOf(
  'NotificationDeliveryAttempt',
  NotificationDeliveryAttemptRef,
);

const CreatedNotificationChannelRef = builder
  .objectRef<CreatedChannel>('CreatedNotificationChannel')
  .implement({
    fields: (t) => ({
      channel: t.field({ type: NotificationChannelRef, resolve: (created) => created.channel }),
      signingSecret: t.exposeString('signingSecret', {
        nullable: true,
        description:
          'A webhook channel created without a signing secret gets one generated: this is the only time it ' +
          'is shown; receivers verify deliveries with it (Standard Webhooks).',
      }),
    }),
  });

const NotificationChannelTestRef = builder
  .objectRef<{ deliveryId: string }>('NotificationChannelTest')
  .implement({
    fields: (t) => ({
      deliveryId: t.exposeID('deliveryId', { description: 'Follow it with notificationDelivery(id).' }),
    }),
  });

builder.queryField('notificationChannels', (t) =>
  t.field({
    type: NotificationChannelConnection,
    args: { first: t.arg.int(), after: t.arg.string() },
    resolve: async (_root, args, context) =>
      toConnection(await context.services.control.channels.list(requireUser(context), pageArgs(args))),
  }),
);

builder.queryField('notificationChannel', (t) =>
  t.field({
    type: NotificationChannelRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.control.channels.get(requireUser(context), idArg(args.id)),
  }),
);

builder.queryField('notificationDeliveries', (t) =>
  t.field({
    type: NotificationDeliveryAttemptConnection,
    description: "The channel's delivery attempts, newest first (the last 200 are kept).",
    args: { channelId: t.arg.id({ required: true }), first: t.arg.int(), after: t.arg.string() },
    resolve: async (_root, args, context) =>
      toConnection(
        await cursorNamedAfter(
          context.services.control.channels.deliveries(
            requireUser(context),
            idArg(args.channelId, 'channelId'),
            pageArgs(args),
          ),
        ),
      ),
  }),
);

builder.queryField('notificationDelivery', (t) =>
  t.field({
    type: NotificationDeliveryRef,
    nullable: true,
    description:
      'One delivery by id; null once it has expired (a week after it was queued) or never existed.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) =>
      (await context.services.control.channels.deliveryStatus(requireUser(context), idArg(args.id))) ?? null,
  }),
);

builder.mutationField('createNotificationChannel', (t) =>
  t.field({
    type: CreatedNotificationChannelRef,
    args: { input: t.arg({ type: CreateNotificationChannelInputRef, required: true }) },
    resolve: (_root, args, context) => {
      const { name, kind, enabled, ...settings } = args.input;
      return context.services.control.channels.create(requireUser(context), {
        name,
        kind,
        ...(enabled == null ? {} : { enabled }),
        ...settingsOf(settings, 'not-given'),
      });
    },
  }),
);

builder.mutationField('updateNotificationChannel', (t) =>
  t.field({
    type: NotificationChannelRef,
    description: 'Only the settings given change; null removes an optional setting.',
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateNotificationChannelInputRef, required: true }),
    },
    resolve: (_root, args, context) => {
      const { name, enabled, ...settings } = args.input;
      return context.services.control.channels.update(requireUser(context), idArg(args.id), {
        ...(name == null ? {} : { name }),
        ...(enabled == null ? {} : { enabled }),
        ...settingsOf(settings, 'remove'),
      });
    },
  }),
);

builder.mutationField('deleteNotificationChannel', (t) =>
  t.boolean({
    description: 'Deletes the channel and its delivery log; alert rules naming it skip it from then on.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) => {
      await context.services.control.channels.delete(requireUser(context), idArg(args.id));
      return true;
    },
  }),
);

builder.mutationField('testNotificationChannel', (t) =>
  t.field({
    type: NotificationChannelTestRef,
    description: 'Queues a test notification for the channel, enabled or not.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.control.channels.test(requireUser(context), idArg(args.id)),
  }),
);
