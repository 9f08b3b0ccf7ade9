// A model list in the route's own format, drawn by the relay: the models the key may use through the accounts
// the route would give it. No account is leased and nothing upstream is asked.
import type { ServerResponse } from 'node:http';
import { AppError } from '../../errors/app-error.js';
import type { RequestContext } from '../../http/route-table.js';
import { sendJson } from '../../http/send.js';
import type { StoredApiKey } from '../../services/api-keys/api-key-types.js';
import type { AcquireRequest } from '../../services/scheduler/account-scheduler.js';
import type { ModelListing } from '../formats/relay-format.js';
import type { RelayDeps } from '../relay-deps.js';
import { routeLists } from './model-route.js';
import type { RelayRoute } from './relay-route.js';

export async function answerModelList(
  deps: RelayDeps,
  res: ServerResponse,
  context: RequestContext,
  route: RelayRoute,
  listing: ModelListing,
  asked: { key: StoredApiKey; acquire: AcquireRequest },
): Promise<void> {
  const models = await deps.models.forKey(asked.key, asked.acquire, (model) => routeLists(route, model));
  const wanted = context.params.model;
  if (wanted === undefined) {
    sendJson(res, 200, listing.list(models, route.platform));
    return;
  }
  const model = models.find((candidate) => candidate.id === wanted);
  if (!model) {
    throw new AppError('not_found', `The model ${wanted} does not exist or this key may not use it`, {
      upstreamCode: 'model_not_found',
      details: { field: 'model', model: wanted },
    });
  }
  sendJson(res, 200, listing.entry(model, route.platform));
}
