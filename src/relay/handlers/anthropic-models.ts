// GET /v1/models: the model list of an account of the Claude pool, passed through.
import type { RouteHandler } from '../../http/route-table.js';
import { authenticateRequest } from '../auth/authenticate.js';
import { detectClient } from '../auth/client-kind.js';
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
    const suffix = context.path.endsWith('/models')
      ? ''
      : context.path.slice(context.path.lastIndexOf('/models') + 7);
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
