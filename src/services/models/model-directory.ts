// The models a key may ask a pool for, as a model list shows them: what the pool's accounts serve, narrowed by
// the key's binding and model lists. Built from what the relay knows (no upstream call): the kinds that share
// a pool list their models differently upstream, or not at all (ChatGPT, Azure deployments).
import type { AccountService } from '../accounts/account-service.js';
import { type AccountRuntime, LISTED_MODELS_OF, mapsModel } from '../accounts/account-types.js';
import { keyMayUseModel } from '../admission/restrictions.js';
import type { StoredApiKey } from '../api-keys/api-key-types.js';
import { matchesAnyModelPattern, matchesModelPattern } from '../domain/model-patterns.js';
import { catalogModels } from '../pricing/catalog-models.js';
import type { AccountScheduler, AcquireRequest } from '../scheduler/account-scheduler.js';

export interface ListedModel {
  id: string;
  /** When the pool first offered it: the creation time (ms) of the oldest account that serves it. */
  since: number;
}

export class ModelDirectory {
  constructor(
    private readonly scheduler: AccountScheduler,
    private readonly accounts: AccountService,
    private readonly catalog: (platform: string) => readonly string[] = catalogModels,
  ) {}

  /**
   * Whether an account of the pool names `model` itself (a mapped alias, a deployment, an exact supported
   * name): a model no family claims still has a pool when an operator gave it one.
   */
  async isNamed(platform: string, model: string): Promise<boolean> {
    const pool = await this.accounts.poolRuntimes(platform);
    return pool.some(({ account }) => mapsModel(account, model) || account.supportedModels.includes(model));
  }

  /**
   * The models `key` may use through the accounts `request` could be given, sorted by name. `accepts` narrows
   * them to what the asking route would take (a route that picks its pool by model takes that pool's families).
   */
  async forKey(
    key: StoredApiKey,
    request: AcquireRequest,
    accepts: (model: string) => boolean,
  ): Promise<ListedModel[]> {
    const accounts = await this.scheduler.servingAccounts(request);
    const since = new Map<string, number>();
    for (const runtime of accounts) {
      const createdAt = runtime.account.createdAt;
      for (const model of this.modelsOf(runtime, request.platform)) {
        if (!accepts(model) || !keyMayUseModel(key, model)) continue;
        const known = since.get(model);
        if (known === undefined || createdAt < known) since.set(model, createdAt);
      }
    }
    return [...since.entries()]
      .map(([id, at]) => ({ id, since: at }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * The names an account answers to: the ones it maps or deploys, its exact supported names, and the catalog's
   * models for its pool that its patterns admit, unless it names its models exactly (exact supported names
   * only, or Azure deployments and no supported names: a resource serves the deployments it has).
   */
  private modelsOf(runtime: AccountRuntime, platform: string): Set<string> {
    const { account } = runtime;
    const names = new Set<string>([
      ...Object.keys(account.modelMapping),
      ...Object.keys(account.deployments ?? {}),
    ]);
    const patterns: string[] = [];
    for (const entry of account.supportedModels) {
      if (entry.endsWith('*')) patterns.push(entry);
      else names.add(entry);
    }
    const namedExactly =
      account.supportedModels.length > 0
        ? patterns.length === 0
        : Object.keys(account.deployments ?? {}).length > 0;
    if (namedExactly) return names;
    const scope = LISTED_MODELS_OF[account.type];
    for (const model of this.catalog(platform)) {
      if (patterns.length > 0 && !matchesAnyModelPattern(model, patterns)) continue;
      if (scope && !scope.some((pattern) => matchesModelPattern(model, pattern))) continue;
      names.add(model);
    }
    return names;
  }
}
