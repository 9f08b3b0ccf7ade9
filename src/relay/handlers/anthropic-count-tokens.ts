// POST /v1/messages/count_tokens: forwarded to an account of the pool; free, so no ledger entry.
import { readBody } from '../../http/read-body.js';
import type { RouteHandler } from '../../http/route-table.js';
import { authenticateRequest } from '../auth/authenticate.js';
import { parseAnthropicRequest } from '../formats/anthropic/request.js';
import type { RelayDeps } from '../relay-deps.js';
import { spliceTopLevelString } from '../stream/json-field-splice.js';
import { mappedModel } from './anthropic-messages.js';
import { forwardUnbilled } from './unbilled-call.js';

export function createAnthropicCountTokensHandler(deps: RelayDeps): RouteHandler {
  return async (req, res, context) => {
    await authenticateRequest(req, context, deps);
    const raw = await readBody(req, deps.settings.bodyLimitBytes);
    const info = parseAnthropicRequest(raw, { requireMaxTokens: false });
    const acquired = await deps.scheduler.acquire({
      platform: 'claude',
      model: info.model,
      requestId: context.requestId,
    });
    const upstreamModel = mappedModel(acquired, info.model);
    const body =
      upstreamModel === info.model ? raw : (spliceTopLevelString(raw, 'model', upstreamModel) ?? raw);
    await forwardUnbilled(deps, req, res, context, acquired, {
      method: 'POST',
      path: '/v1/messages/count_tokens',
      body,
    });
  };
}
