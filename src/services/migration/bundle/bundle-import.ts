// Writes a bundle's contents into this relay: records keep their ids (keys, accounts, groups and users refer to
// each other by id), secrets are sealed with this relay's key, and a record whose id is here already is left
// as it is. Channels and alert rules get ids of their own, remembered, so a second import adds nothing.
import { AppError } from '../../../errors/app-error.js';
import type { CreateAccountInput } from '../../accounts/account-types.js';
import type { RedisContext } from '../../redis/record-store.js';
import type { ReportEntity, ReportItem } from '../import-report.js';
import { alertRuleRef, channelRef, ImportedIds } from '../imported-ids.js';
import type { BundleContents } from './bundle-contents.js';
import type { BundleSources } from './bundle-export.js';

export interface BundleImportOptions {
  dryRun: boolean;
  /** Who imports, recorded on the managed-settings policies it sets. */
  actorId: string;
}

type Outcome = Pick<ReportItem, 'outcome' | 'targetId' | 'reason'>;

export async function importBundleContents(
  services: BundleSources & { context: RedisContext },
  contents: BundleContents,
  options: BundleImportOptions,
): Promise<ReportItem[]> {
  const items: ReportItem[] = [];
  const ids = new ImportedIds(services.context, 'bundle');
  const step = async (
    entity: ReportEntity,
    sourceId: string,
    name: string | undefined,
    write: () => Promise<Outcome>,
  ) => {
    const item: ReportItem = { entity, sourceId, ...(name ? { name } : {}), outcome: 'skipped', notes: [] };
    items.push(item);
    try {
      Object.assign(item, await write());
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      item.reason = error.message;
    }
  };
  const written = (done: boolean, id: string): Outcome => ({
    outcome: done ? 'imported' : 'unchanged',
    targetId: id,
  });
  const dry = (exists: boolean, id: string): Outcome => ({
    outcome: exists ? 'unchanged' : 'imported',
    targetId: id,
  });

  // Settings kept by a natural key (a model, a scope) rather than an id: the same value here is "unchanged".
  const peppers = await services.legacyKeyHashes.exportAll();
  const overrides = await services.pricing.listOverrides();
  const limits = await services.spendLimits.list();
  const policies = await services.managedSettings.list();
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

  for (const pepper of contents.keyPeppers) {
    await step('key-pepper', pepper.id, pepper.prefix, async () => {
      if (peppers.some((here) => same(here, pepper))) return { outcome: 'unchanged', targetId: pepper.id };
      if (!options.dryRun) await services.legacyKeyHashes.restore(pepper.id, pepper.prefix, pepper.pepper);
      return { outcome: 'imported', targetId: pepper.id };
    });
  }
  for (const user of contents.users) {
    await step('user', user.id, user.username, async () => {
      if (options.dryRun) return dry((await services.users.get(user.id)) !== undefined, user.id);
      const result = await services.users.restore(user);
      if (result === 'name-taken')
        return { outcome: 'skipped', reason: `another user here is named ${user.username}` };
      return written(result === 'written', user.id);
    });
  }
  for (const { account, secrets } of contents.accounts) {
    await step('account', account.id, account.name, async () => {
      const {
        id,
        platform: _platform,
        state,
        createdAt: _created,
        updatedAt: _updated,
        ...settings
      } = account;
      const input: CreateAccountInput = { ...settings, credentials: secrets };
      if (options.dryRun) {
        services.accounts.check(input);
        return dry((await services.accounts.get(id)) !== undefined, id);
      }
      return written(await services.accounts.importAccount(id, input, state), id);
    });
  }
  for (const group of contents.groups) {
    await step('group', group.id, group.name, async () => {
      if (options.dryRun) return dry((await services.groups.get(group.id)) !== undefined, group.id);
      const input = {
        name: group.name,
        platform: group.platform,
        ...(group.description === undefined ? {} : { description: group.description }),
        memberIds: group.memberIds,
      };
      return written(await services.groups.importGroup(group.id, input), group.id);
    });
  }
  for (const key of contents.apiKeys) {
    await step('api-key', key.id, key.name, async () => {
      if (options.dryRun) return dry((await services.apiKeys.get(key.id)) !== undefined, key.id);
      return written(await services.apiKeys.restoreKey(key), key.id);
    });
  }
  const channelIds = new Map<string, string>();
  for (const channel of contents.channels) {
    await step('channel', channel.id, channel.name, async () => {
      const known = await ids.find(channelRef(channel.id));
      if (known && (await services.operator.channels.get(known))) {
        channelIds.set(channel.id, known);
        return { outcome: 'unchanged', targetId: known };
      }
      if (options.dryRun) return { outcome: 'imported' };
      const { channel: created } = await services.operator.channels.create({
        ...channel.config,
        kind: String(channel.config.kind),
        name: channel.name,
        enabled: channel.enabled,
      });
      await ids.record(channelRef(channel.id), created.id);
      channelIds.set(channel.id, created.id);
      return { outcome: 'imported', targetId: created.id };
    });
  }
  for (const rule of contents.alertRules) {
    await step('alert-rule', rule.id, rule.name, async () => {
      const known = await ids.find(alertRuleRef(rule.id));
      if (known && (await services.operator.alertRules.get(known)))
        return { outcome: 'unchanged', targetId: known };
      if (options.dryRun) return { outcome: 'imported' };
      const { id: _id, createdAt: _created, updatedAt: _updated, ...fields } = rule;
      const channelsHere = fields.channelIds.flatMap((id) => {
        const mapped = channelIds.get(id);
        return mapped ? [mapped] : [];
      });
      const created = await services.operator.alertRules.create({ ...fields, channelIds: channelsHere });
      await ids.record(alertRuleRef(rule.id), created.id);
      return { outcome: 'imported', targetId: created.id };
    });
  }
  for (const { model, ...prices } of contents.prices) {
    await step('price', model, model, async () => {
      const here = overrides.find((price) => price.model === model);
      const units = Object.keys(prices) as Array<keyof typeof prices>;
      if (here && units.every((unit) => here[unit] === prices[unit])) {
        return { outcome: 'unchanged', targetId: model };
      }
      if (!options.dryRun) await services.pricing.setOverride(model, prices);
      return { outcome: 'imported', targetId: model };
    });
  }
  for (const limit of contents.spendLimits) {
    await step('spend-limit', limit.id, `${limit.scope.type} ${limit.period}`, async () => {
      const here = limits.find((item) => same(item.scope, limit.scope) && item.period === limit.period);
      if (here?.amountCents === limit.amountCents) return { outcome: 'unchanged', targetId: here.id };
      if (options.dryRun) return { outcome: 'imported' };
      const set = await services.spendLimits.set({
        scope: limit.scope,
        period: limit.period,
        amountCents: limit.amountCents,
      });
      return { outcome: 'imported', targetId: set.id };
    });
  }
  for (const policy of contents.managedSettings) {
    await step('managed-settings', JSON.stringify(policy.scope), undefined, async () => {
      if (policies.some((here) => same(here.scope, policy.scope) && same(here.settings, policy.settings))) {
        return { outcome: 'unchanged' };
      }
      if (!options.dryRun) await services.managedSettings.set(policy.scope, policy.settings, options.actorId);
      return { outcome: 'imported' };
    });
  }
  return items;
}
