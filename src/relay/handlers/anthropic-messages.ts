// POST /v1/messages: authenticate, choose an account, pass the exchange through, settle its usage.
import { performance } from 'node:perf_hooks';
import type { RouteHandler } from '../../http/route-table.js';
import { ZERO_USAGE } from '../../services/usage/usage-types.js';
import type { ExchangeResult } from '../pass-through/exchange.js';
import type { RelayDeps } from '../relay-deps.js';
import { prepareAnthropicCall, runAnthropicExchange } from './anthropic-call.js';
import { settleRequest } from './settle-request.js';

export function createAnthropicMessagesHandler(deps: RelayDeps): RouteHandler {
  return async (req, res, context) => {
    const at = Date.now();
    const { key, info, ticket, acquired, upstreamModel, body } = await prepareAnthropicCall(
      req,
      res,
      context,
      deps,
      {
        billed: true,
      },
    );
    let result: ExchangeResult | undefined;
    try {
      result = await runAnthropicExchange(deps, req, res, context, acquired, {
        method: 'POST',
        path: '/v1/messages',
        body,
        stream: info.stream,
      });
    } finally {
      // Runs even when something above threw: the lease must be released and the attempt recorded.
      const settled: ExchangeResult = result ?? {
        status: 500,
        outcome: 'upstream_error',
        usage: { ...ZERO_USAGE },
        estimated: false,
        ttftMs: undefined,
        errorCode: 'internal',
      };
      const facts = {
        requestId: context.requestId,
        keyId: key.id,
        platform: 'claude',
        model: info.model,
        upstreamModel,
        stream: info.stream,
        at,
        startedAt: context.startedAt,
      };
      await settleRequest(
        deps,
        facts,
        acquired.lease,
        ticket,
        settled,
        performance.now() - context.startedAt,
      );
    }
  };
}
