// Notification channels: readers list them and read delivery logs, managers create, change, delete and test
// them. Rules and the audit live in ChannelAdmin; secret settings are write-only.
import { z } from 'zod';
import type { CHANNEL_CONFIG_SCHEMAS, ChannelKind } from '../../services/notify/channel-types.js';
import { pageQuerySchema } from '../../services/redis/pagination.js';
import { entityIdSchema } from '../../services/validation.js';
import { idInput, pageInput } from '../inputs.js';
import { router, userProcedure } from '../trpc.js';

/** A kind's settings as a client sends them (`{ kind: 'slack', webhookUrl }`), secret ones included. */
type ChannelConfigInput = { [K in ChannelKind]: z.input<(typeof CHANNEL_CONFIG_SCHEMAS)[K]> }[ChannelKind];
type Settings = ChannelConfigInput extends infer C ? (C extends unknown ? Omit<C, 'kind'> : never) : never;
type SettingName = Settings extends infer S ? (S extends unknown ? keyof S : never) : never;
type SettingOf<Name extends SettingName> = Settings extends infer S
  ? S extends unknown
    ? Name extends keyof S
      ? Exclude<S[Name], undefined>
      : never
    : never
  : never;

export type CreateChannelRequest = ChannelConfigInput & { name: string; enabled?: boolean };
/** Changed settings only; null removes an optional one. */
export type UpdateChannelRequest = { id: string; name?: string; enabled?: boolean } & {
  [Name in SettingName]?: SettingOf<Name> | null;
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The channel service checks the settings itself, per kind, naming the one at fault (an unknown one included);
 * these only give clients the types and keep anything but an object out.
 */
const createInput = z.custom<CreateChannelRequest>(isRecord, { error: 'must be an object' });
const updateInput = z.intersection(
  idInput,
  z.custom<Omit<UpdateChannelRequest, 'id'>>(isRecord, { error: 'must be an object' }),
);

export const channelsRouter = router({
  list: userProcedure
    .input(pageInput)
    .query(({ ctx, input }) => ctx.services.control.channels.list(ctx.principal, input)),
  get: userProcedure
    .input(idInput)
    .query(({ ctx, input }) => ctx.services.control.channels.get(ctx.principal, input.id)),
  /** The channel's delivery attempts, newest first. */
  deliveries: userProcedure
    .input(pageQuerySchema.extend({ channelId: entityIdSchema }))
    .query(({ ctx, input: { channelId, ...page } }) =>
      ctx.services.control.channels.deliveries(ctx.principal, channelId, page),
    ),
  /** One delivery's state; null once it has expired (a week after it was queued) or never existed. */
  delivery: userProcedure
    .input(idInput)
    .query(
      async ({ ctx, input }) =>
        (await ctx.services.control.channels.deliveryStatus(ctx.principal, input.id)) ?? null,
    ),
  /** A webhook channel created without a signing secret gets one: returned here once, never again. */
  create: userProcedure
    .input(createInput)
    .mutation(({ ctx, input }) => ctx.services.control.channels.create(ctx.principal, input)),
  update: userProcedure
    .input(updateInput)
    .mutation(({ ctx, input: { id, ...patch } }) =>
      ctx.services.control.channels.update(ctx.principal, id, patch),
    ),
  delete: userProcedure.input(idInput).mutation(async ({ ctx, input }) => {
    await ctx.services.control.channels.delete(ctx.principal, input.id);
    return true;
  }),
  /** Queues a test notification (enabled or not); follow it with `delivery`. */
  test: userProcedure
    .input(idInput)
    .mutation(({ ctx, input }) => ctx.services.control.channels.test(ctx.principal, input.id)),
});
