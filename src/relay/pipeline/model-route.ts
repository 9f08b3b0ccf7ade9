// The pool a request's model is served by. A `byModel` route goes to the pool of the model's family
// (`services/domain/model-platforms.ts`), translating when that pool speaks another format; a name no family
// claims belongs to the route's pool when one of its accounts names it (an alias, a deployment). A route that
// forces a pool takes another family's model only where an account of the pool maps it.
import { AppError } from '../../errors/app-error.js';
import { MODEL_PLATFORMS, platformOfModel } from '../../services/domain/model-platforms.js';
import type { ModelDirectory } from '../../services/models/model-directory.js';
import type { RelayRoute } from './relay-route.js';

/**
 * Whether a model an account of the route's pool offers belongs on the route's model list: on a `byModel`
 * route, not when its family is another pool's (a name no family claims is there because an account names it).
 */
export function routeLists(route: RelayRoute, model: string): boolean {
  if (!route.byModel) return true;
  const platform = platformOfModel(model);
  return platform === undefined || platform === route.platform;
}

/**
 * The route to serve `model` on, with the pool it belongs to. Synchronous unless the pool's accounts must be
 * asked (a name no family claims, another family on a forced pool): no promise per request for a table lookup.
 */
export function routeForModel(
  route: RelayRoute,
  model: string,
  directory: ModelDirectory,
): RelayRoute | Promise<RelayRoute> {
  if (route.forcedPool) {
    const platform = platformOfModel(model);
    return platform === undefined || platform === route.platform
      ? route
      : mappedOnPool(route, model, directory);
  }
  if (!route.byModel) return route;
  const platform = platformOfModel(model);
  if (platform === route.platform) return route;
  if (platform !== undefined) return { ...route, platform };
  return route.byModel === 'keep-unclaimed' ? route : namedRoute(route, model, directory);
}

async function namedRoute(route: RelayRoute, model: string, directory: ModelDirectory): Promise<RelayRoute> {
  if (await directory.isNamed(route.platform, model)) return route;
  throw new AppError(
    'invalid_request',
    `model: ${model} is not a model this relay knows how to route; ask for a model of a known family ` +
      `(${MODEL_PLATFORMS.map((row) => row.pattern).join(', ')}) or one an account is set up to serve`,
    { details: { field: 'model', reason: 'unknown_model_family', model } },
  );
}

async function mappedOnPool(
  route: RelayRoute,
  model: string,
  directory: ModelDirectory,
): Promise<RelayRoute> {
  if (await directory.isNamed(route.platform, model)) return route;
  throw new AppError(
    'invalid_request',
    `model: ${model} is not served by the ${route.platform} accounts this route sends to; ask for a ` +
      `${route.platform} model, or map ${model} to one in an account's model mapping`,
    { details: { field: 'model', reason: 'model_not_in_pool', model, platform: route.platform } },
  );
}
