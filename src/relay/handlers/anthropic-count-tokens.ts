// POST /v1/messages/count_tokens: forwarded to an account of the pool; free, so no ledger entry.
import type { RouteHandler } from '../../http/route-table.js';
import type { RelayDeps } from '../relay-deps.js';
import { prepareAnthropicCall } from './anthropic-call.js';
import { forwardUnbilled } from './unbilled-call.js';

export function createAnthropicCountTokensHandler(deps: RelayDeps): RouteHandler {
  return async (req, res, context) => {
    const { acquired, acquire, raw, info } = await prepareAnthropicCall(req, res, context, deps, {
      billed: false,
    });
    await forwardUnbilled(
      deps,
      req,
      res,
      context,
      { first: acquired, acquire },
      {
        method: 'POST',
        path: '/v1/messages/count_tokens',
        body: raw,
        model: info.model,
      },
    );
  };
}
