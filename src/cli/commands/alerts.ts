// `alerts …` commands: alert rules (what to watch, how urgent, which channels to tell) and the alert history.
import {
  ALERT_FIELD_OPTIONS,
  ALERT_KINDS,
  CONDITION_OPTION_TABLE,
  conditionOf,
  readCondition,
} from '../alert-options.js';
import {
  conditionText,
  describeRule,
  firingTable,
  historyTable,
  RULE_HEADERS,
  ruleRows,
} from '../alert-text.js';
import {
  choice,
  duration,
  flag,
  list,
  type OptionTable,
  oneOf,
  positional,
  requiredText,
  text,
  UsageError,
} from '../args.js';
import type { Command } from '../command.js';
import { explained } from '../field-options.js';
import { table } from '../output.js';
import { pageArgs, pagedOutput, pageOptions } from '../paged-output.js';

const ID = ['id'] as const;
const SEVERITIES = ['info', 'warning', 'critical'] as const;
const WEEK_MS = 7 * 86_400_000;

const PAGE_OPTIONS = pageOptions();

const KIND = { type: 'string', value: ALERT_KINDS.join('|'), description: 'what the rule watches' } as const;

const RULE_OPTIONS: OptionTable = {
  severity: { type: 'string', value: SEVERITIES.join('|'), description: 'how urgent (default warning)' },
  channel: {
    type: 'string',
    value: '<channelId>',
    multiple: true,
    description: 'a notification channel to tell (repeatable)',
  },
  cooldown: {
    type: 'string',
    value: '<duration>',
    description: 'after a firing, the same subject fires again no sooner (1m to 7d, default 15m)',
  },
};

const CREATE_OPTIONS: OptionTable = {
  name: { type: 'string', value: '<name>', required: true, description: 'a name for the rule' },
  kind: { ...KIND, required: true },
  disabled: { type: 'boolean', description: 'create it disabled' },
  ...RULE_OPTIONS,
  ...CONDITION_OPTION_TABLE,
};

const UPDATE_OPTIONS: OptionTable = {
  name: { type: 'string', value: '<name>', description: 'a new name' },
  enable: { type: 'boolean', description: 'evaluate the rule again' },
  disable: { type: 'boolean', description: 'stop evaluating the rule' },
  ...RULE_OPTIONS,
  'clear-channels': { type: 'boolean', description: 'tell no channel (the history still records firings)' },
  kind: { ...KIND, description: 'a new kind: the condition is then made of the options given only' },
  ...CONDITION_OPTION_TABLE,
};

export const ALERT_COMMANDS: readonly Command[] = [
  {
    group: 'alerts',
    action: 'create',
    summary: 'add an alert rule',
    positionals: [],
    options: CREATE_OPTIONS,
    prepare(args) {
      const topic = 'alerts create';
      const kind = choice(args, 'kind', ALERT_KINDS, topic);
      if (kind === undefined) throw new UsageError('--kind is required', topic);
      const cooldownMs = duration(args, 'cooldown', { max: WEEK_MS, unit: 'ms' }, topic);
      const input = {
        name: requiredText(args, 'name', topic),
        enabled: !flag(args, 'disabled'),
        condition: conditionOf(kind, readCondition(args, topic), topic),
        channelIds: list(args, 'channel'),
        ...(cooldownMs === undefined ? {} : { cooldownMs }),
        ...optional('severity', choice(args, 'severity', SEVERITIES, topic)),
      };
      return async (services, { actor }) => {
        const rule = await explained(ALERT_FIELD_OPTIONS, CREATE_OPTIONS, args, () =>
          services.control.alerts.create(actor, input),
        );
        return { json: rule, text: `Created alert rule ${rule.id}\n${describeRule(rule)}` };
      };
    },
  },
  {
    group: 'alerts',
    action: 'list',
    summary: 'list alert rules, newest first, with how many subjects each is firing for',
    positionals: [],
    options: PAGE_OPTIONS,
    prepare(args) {
      const paging = pageArgs(args, 'alerts list');
      return async (services, { actor }) => {
        const page = await services.control.alerts.list(actor, paging);
        const rows = page.items.length === 0 ? 'No alert rules.' : table(RULE_HEADERS, ruleRows(page.items));
        return pagedOutput(page, rows, 'alerts list');
      };
    },
  },
  {
    group: 'alerts',
    action: 'show',
    summary: 'show one alert rule and what it is firing for now',
    positionals: ID,
    options: {},
    prepare(args) {
      const id = positional(args, 0);
      return async (services, { actor }) => {
        const rule = await services.control.alerts.get(actor, id);
        return { json: rule, text: [describeRule(rule), '', 'Firing:', firingTable(rule)].join('\n') };
      };
    },
  },
  {
    group: 'alerts',
    action: 'update',
    summary: 'change an alert rule; condition options change its condition, the rest stays',
    positionals: ID,
    options: UPDATE_OPTIONS,
    prepare(args) {
      const topic = 'alerts update';
      const id = positional(args, 0);
      const toggle = oneOf(args, ['enable', 'disable'], topic);
      const channels = oneOf(args, ['channel', 'clear-channels'], topic);
      const kind = choice(args, 'kind', ALERT_KINDS, topic);
      const given = readCondition(args, topic);
      const cooldownMs = duration(args, 'cooldown', { max: WEEK_MS, unit: 'ms' }, topic);
      const patch = {
        ...optional('name', text(args, 'name')),
        ...optional('enabled', toggle === undefined ? undefined : toggle === 'enable'),
        ...optional('severity', choice(args, 'severity', SEVERITIES, topic)),
        ...optional('channelIds', channels === undefined ? undefined : list(args, 'channel')),
        ...optional('cooldownMs', cooldownMs),
      };
      if (Object.keys(patch).length === 0 && kind === undefined && given.size === 0) {
        throw new UsageError('nothing to change', topic);
      }
      return async (services, { actor }) => {
        const changesCondition = kind !== undefined || given.size > 0;
        const current = changesCondition ? await services.control.alerts.get(actor, id) : undefined;
        const condition =
          current === undefined
            ? {}
            : {
                condition:
                  kind === undefined || kind === current.condition.kind
                    ? conditionOf(current.condition.kind, given, topic, current.condition)
                    : conditionOf(kind, given, topic),
              };
        const rule = await explained(ALERT_FIELD_OPTIONS, UPDATE_OPTIONS, args, () =>
          services.control.alerts.update(actor, id, { ...patch, ...condition }),
        );
        return {
          json: rule,
          text: `Updated alert rule ${rule.id}: ${conditionText(rule.condition)}\n${describeRule(rule)}`,
        };
      };
    },
  },
  {
    group: 'alerts',
    action: 'delete',
    summary: 'delete an alert rule (its past alerts stay in the history)',
    positionals: ID,
    options: {},
    prepare(args) {
      const id = positional(args, 0);
      return async (services, { actor }) => {
        await services.control.alerts.delete(actor, id);
        return { json: { id, deleted: true }, text: `Deleted alert rule ${id}` };
      };
    },
  },
  {
    group: 'alerts',
    action: 'history',
    summary: 'list firings and resolutions of every rule, newest first',
    positionals: [],
    options: PAGE_OPTIONS,
    prepare(args) {
      const paging = pageArgs(args, 'alerts history');
      return async (services, { actor }) => {
        const page = await services.control.alerts.history(actor, paging);
        return pagedOutput(page, historyTable(page.items), 'alerts history');
      };
    },
  },
];

/** `{ [name]: value }`, or nothing when the value was not given. */
function optional<Name extends string, T>(name: Name, value: T | undefined): { [K in Name]?: T } {
  return (value === undefined ? {} : { [name]: value }) as { [K in Name]?: T };
}
