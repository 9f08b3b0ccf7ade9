// `channels …` commands: notification channels (webhook, chat vendors, Bark, mail) that alert rules send to;
// their secrets are read from options or stdin and never printed, a generated signing secret is shown once.
import type { Principal } from '../../services/auth/auth-service.js';
import type { Services } from '../../services/container.js';
import { CHANNEL_KINDS } from '../../services/notify/channel-types.js';
import type { DeliveryStatus } from '../../services/notify/delivery-queue.js';
import {
  choice,
  duration,
  flag,
  type OptionTable,
  oneOf,
  positional,
  requiredText,
  text,
  UsageError,
} from '../args.js';
import {
  CHANNEL_FIELD_OPTIONS,
  CHANNEL_SETTING_OPTIONS,
  KIND_VALUES,
  parseChannelSettings,
  unsetFields,
  withSecrets,
} from '../channel-options.js';
import {
  CHANNEL_HEADERS,
  channelRows,
  deliveriesTable,
  describeChannel,
  describeDelivery,
} from '../channel-text.js';
import type { Command } from '../command.js';
import { explained } from '../field-options.js';
import { table } from '../output.js';
import { pageArgs, pagedOutput, pageOptions } from '../paged-output.js';

const ID = ['id'] as const;
/** Delivery attempts `channels show` lists. */
const SHOWN_DELIVERIES = 5;
/** How often `channels test --wait` looks at the delivery. */
const POLL_MS = 200;

/** The delivery log keeps a channel's last 200 attempts. */
const MAX_DELIVERIES = 200;

const CREATE_OPTIONS: OptionTable = {
  kind: { type: 'string', value: KIND_VALUES, required: true, description: 'where notifications go' },
  name: { type: 'string', value: '<name>', required: true, description: 'a name for the channel' },
  disabled: { type: 'boolean', description: 'create it disabled: no alerts until enabled (tests still go)' },
  ...CHANNEL_SETTING_OPTIONS,
};

const UPDATE_OPTIONS: OptionTable = {
  name: { type: 'string', value: '<name>', description: 'a new name' },
  enable: { type: 'boolean', description: 'send alerts to it again' },
  disable: { type: 'boolean', description: 'send it no alerts (test sends still go)' },
  ...CHANNEL_SETTING_OPTIONS,
  unset: {
    type: 'string',
    value: '<option>',
    multiple: true,
    description: 'remove an optional setting, by its option name, e.g. group (repeatable)',
  },
};

/** Waits for a running relay to deliver (or give up on) the delivery, until `timeoutMs`. */
async function settledDelivery(
  services: Services,
  actor: Principal,
  deliveryId: string,
  timeoutMs: number,
): Promise<DeliveryStatus | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await services.control.channels.deliveryStatus(actor, deliveryId);
    const done = status?.status === 'delivered' || status?.status === 'failed';
    if (done || Date.now() >= deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export const CHANNEL_COMMANDS: readonly Command[] = [
  {
    group: 'channels',
    action: 'create',
    summary: 'add a notification channel (its secrets are stored encrypted and never printed)',
    positionals: [],
    options: CREATE_OPTIONS,
    prepare(args) {
      const topic = 'channels create';
      const kind = choice(args, 'kind', CHANNEL_KINDS, topic);
      if (kind === undefined) throw new UsageError('--kind is required', topic);
      const name = requiredText(args, 'name', topic);
      const given = parseChannelSettings(args, topic);
      return async (services, { actor }) => {
        const settings = await withSecrets(given);
        const created = await explained(CHANNEL_FIELD_OPTIONS, CREATE_OPTIONS, args, () =>
          services.control.channels.create(actor, {
            ...settings,
            kind,
            name,
            enabled: !flag(args, 'disabled'),
          }),
        );
        const { channel, signingSecret } = created;
        const lines = [`Created channel ${channel.id}`, describeChannel(channel)];
        if (signingSecret !== undefined) {
          lines.push(
            '',
            'Signing secret (receivers verify deliveries with it):',
            '',
            `  ${signingSecret}`,
            '',
            'This is the only time the signing secret is shown: store it now.',
          );
        }
        return { json: { channel, signingSecret: signingSecret ?? null }, text: lines.join('\n') };
      };
    },
  },
  {
    group: 'channels',
    action: 'list',
    summary: 'list notification channels, newest first',
    positionals: [],
    options: pageOptions(500),
    prepare(args) {
      const paging = pageArgs(args, 'channels list');
      return async (services, { actor }) => {
        const page = await services.control.channels.list(actor, paging);
        const rows =
          page.items.length === 0 ? 'No channels.' : table(CHANNEL_HEADERS, channelRows(page.items));
        return pagedOutput(page, rows, 'channels list');
      };
    },
  },
  {
    group: 'channels',
    action: 'show',
    summary: 'show one channel (secrets as hints only) and its latest deliveries',
    positionals: ID,
    options: {},
    prepare(args) {
      const id = positional(args, 0);
      return async (services, { actor }) => {
        const channel = await services.control.channels.get(actor, id);
        const recent = await services.control.channels.deliveries(actor, id, { limit: SHOWN_DELIVERIES });
        return {
          json: { ...channel, deliveries: recent.items },
          text: [describeChannel(channel), '', 'Latest deliveries:', deliveriesTable(recent.items)].join(
            '\n',
          ),
        };
      };
    },
  },
  {
    group: 'channels',
    action: 'update',
    summary: 'change a channel: its name, state or settings (the kind cannot change)',
    positionals: ID,
    options: UPDATE_OPTIONS,
    prepare(args) {
      const topic = 'channels update';
      const id = positional(args, 0);
      const toggle = oneOf(args, ['enable', 'disable'], topic);
      const given = parseChannelSettings(args, topic);
      const removed = unsetFields(args, topic);
      const name = text(args, 'name');
      const changes = [toggle, name, ...Object.keys({ ...given.settings, ...given.secrets, ...removed })];
      if (changes.every((change) => change === undefined)) throw new UsageError('nothing to change', topic);
      return async (services, { actor }) => {
        const patch = {
          ...(await withSecrets(given)),
          ...removed,
          ...(name === undefined ? {} : { name }),
          ...(toggle === undefined ? {} : { enabled: toggle === 'enable' }),
        };
        const channel = await explained(CHANNEL_FIELD_OPTIONS, UPDATE_OPTIONS, args, () =>
          services.control.channels.update(actor, id, patch),
        );
        return { json: channel, text: `Updated channel ${channel.id}\n${describeChannel(channel)}` };
      };
    },
  },
  {
    group: 'channels',
    action: 'delete',
    summary: 'delete a channel and its delivery log',
    positionals: ID,
    options: {},
    prepare(args) {
      const id = positional(args, 0);
      return async (services, { actor }) => {
        await services.control.channels.delete(actor, id);
        return {
          json: { id, deleted: true },
          text: `Deleted channel ${id}`,
          notes: [`Alert rules that named ${id} no longer send to it.`],
        };
      };
    },
  },
  {
    group: 'channels',
    action: 'test',
    summary:
      'queue a test notification for a channel; a running relay sends it (exit 1 if --wait sees it fail)',
    positionals: ID,
    options: {
      wait: {
        type: 'string',
        value: '<duration>',
        description: 'wait up to this long (e.g. 30s) for the relay to deliver it',
      },
    },
    prepare(args) {
      const id = positional(args, 0);
      const waitMs = duration(args, 'wait', { max: 300_000, unit: 'ms' }, 'channels test');
      return async (services, { actor }) => {
        const { deliveryId } = await services.control.channels.test(actor, id);
        const status =
          waitMs === undefined
            ? await services.control.channels.deliveryStatus(actor, deliveryId)
            : await settledDelivery(services, actor, deliveryId, waitMs);
        const delivered = status?.status === 'delivered';
        return {
          json: { deliveryId, delivery: status ?? null },
          text: [`Queued a test notification for channel ${id}`, status ? describeDelivery(status) : ''].join(
            '\n',
          ),
          notes:
            waitMs === undefined
              ? [`A running relay sends it; follow it with "channels deliveries ${id}".`]
              : [],
          exitCode: waitMs === undefined || delivered ? 0 : 1,
        };
      };
    },
  },
  {
    group: 'channels',
    action: 'deliveries',
    summary: "list a channel's delivery attempts, newest first",
    positionals: ID,
    options: pageOptions(MAX_DELIVERIES),
    prepare(args) {
      const id = positional(args, 0);
      const paging = pageArgs(args, 'channels deliveries', MAX_DELIVERIES);
      return async (services, { actor }) => {
        const page = await services.control.channels.deliveries(actor, id, paging);
        return pagedOutput(page, deliveriesTable(page.items), `channels deliveries ${id}`);
      };
    },
  },
];
