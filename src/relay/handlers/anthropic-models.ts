// GET /v1/models and /v1/models/{id}: the model list (or one model) of an account of the Claude pool,
// passed through.
import type { RouteHandler } from '../../http/route-table.js';
import { authenticateRequest } from '../client/authenticate.js';
import { detectClient } from '../client/client-kind.js';
import type { RelayDeps } from '../relay-deps.js';
import { anthropicAcquireRequest } from './anthropic-call.js';
import { forwardUnbilled } from './unbilled-call.js';

export function createAnthropicModelsHandler(deps: RelayDeps): RouteHandler {
  return async (req, res, context) => {
    const key = await authenticateRequest(req, context, deps);
    deps.admission.checkRestrictions(key, {
      platform: 'claude',
      model: undefined,
      client: detectClient(req.headers),
    });
    // Any account of the pool that speaks Anthropic's own API can list models.
    const acquire = anthropicAcquireRequest(key, context, undefined, { anthropicApiOnly: true });
    const acquired = await deps.scheduler.acquire(acquire);
    // The route decoded the id and checked it is one segment; encoded again, it cannot become more upstream.
    const model = context.params.model;
    const suffix = model === undefined ? '' : `/${encodeURIComponent(model)}`;
    await forwardUnbilled(
      deps,
      req,
      res,
      context,
      { first: acquired, acquire },
      {
        method: 'GET',
        path: `/v1/models${suffix}`,
        body: undefined,
        model: undefined,
      },
    );
  };
}
