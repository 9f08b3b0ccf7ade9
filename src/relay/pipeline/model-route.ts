// A `byModel` route's pool, decided by the model's family (`services/domain/model-platforms.ts`); a name no
// family claims belongs to the route's pool when one of its accounts names it (an alias, a deployment). Until
// formats translate, a family whose pool speaks another format is refused with the route that serves it,
// rather than sent where it cannot be answered.
import { AppError } from '../../errors/app-error.js';
import { MODEL_PLATFORMS, platformOfModel } from '../../services/domain/model-platforms.js';
import type { Platform } from '../../services/domain/platforms.js';
import type { ModelDirectory } from '../../services/models/model-directory.js';
import type { RelayRoute } from './relay-route.js';

/** Where each pool's models are served in their own format, for the refusal to point at. */
const SERVED_AT: Record<Platform, string | undefined> = {
  claude: 'POST /v1/messages (the Anthropic Messages format)',
  openai: 'POST /v1/chat/completions or /v1/responses (the OpenAI formats)',
  azure: 'POST /azure/v1/chat/completions or /azure/v1/responses',
  gemini: 'POST /v1beta/models/{model}:generateContent (the Gemini format)',
  droid: undefined,
};

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
 * The route to serve `model` on: the path's, once the model is known to belong to its pool. Synchronous unless
 * the pool's accounts must be asked (a name no family claims): no promise per request for a table lookup.
 */
export function routeForModel(
  route: RelayRoute,
  model: string,
  directory: ModelDirectory,
): RelayRoute | Promise<RelayRoute> {
  if (!route.byModel) return route;
  const platform = platformOfModel(model);
  if (platform === route.platform) return route;
  if (platform === undefined) return namedRoute(route, model, directory);
  const servedAt = SERVED_AT[platform];
  throw new AppError(
    'invalid_request',
    `model: ${model} is a ${platform} model, ` +
      (servedAt === undefined
        ? 'which no route of this build serves yet'
        : `served at ${servedAt}; this route speaks another format and does not translate`),
    { details: { field: 'model', reason: 'model_on_other_route', model, platform } },
  );
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
