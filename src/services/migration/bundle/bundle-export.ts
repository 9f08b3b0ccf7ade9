// Reads this relay's configuration into a bundle's contents: accounts with their secrets opened, key records
// with their hashes (so every key keeps working), users with their password hashes, and the rest.
import type { Services } from '../../container-types.js';
import type { BundleContents } from './bundle-contents.js';

export type BundleSources = Pick<
  Services,
  | 'accounts'
  | 'groups'
  | 'users'
  | 'apiKeys'
  | 'legacyKeyHashes'
  | 'operator'
  | 'pricing'
  | 'spendLimits'
  | 'managedSettings'
>;

export async function exportBundleContents(services: BundleSources): Promise<BundleContents> {
  const accounts: BundleContents['accounts'] = [];
  for (const account of await every((cursor) => services.accounts.list({ limit: 500, ...cursor }))) {
    const runtime = await services.accounts.loadRuntime(account.id);
    if (runtime) {
      const { sealedSecrets: _sealed, ...record } = runtime.account;
      accounts.push({ account: record, secrets: runtime.secrets });
    }
  }
  const channels: BundleContents['channels'] = [];
  for (const view of await every((cursor) => services.operator.channels.list({ limit: 500, ...cursor }))) {
    const opened = await services.operator.channels.open(view.id);
    if (opened)
      channels.push({ id: view.id, name: view.name, enabled: view.enabled, config: { ...opened.config } });
  }
  return {
    accounts,
    groups: await every((cursor) => services.groups.list({ limit: 500, ...cursor })),
    users: await services.users.exportAll(),
    keyPeppers: await services.legacyKeyHashes.exportAll(),
    apiKeys: await services.apiKeys.exportAll(),
    channels,
    alertRules: await services.operator.alertRules.all(),
    prices: (await services.pricing.listOverrides()).map(({ updatedAt: _at, ...price }) => price),
    spendLimits: await services.spendLimits.list(),
    managedSettings: await services.managedSettings.list(),
  };
}

/** Every item of a paged list. */
async function every<T>(
  page: (cursor: { cursor?: string }) => Promise<{ items: T[]; nextCursor?: string | undefined }>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const next = await page(cursor ? { cursor } : {});
    items.push(...next.items);
    cursor = next.nextCursor;
  } while (cursor);
  return items;
}
