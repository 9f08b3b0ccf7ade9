// POST /v1/messages: authenticate, choose an account, pass the exchange through (failing over to another
// account while nothing has reached the client), settle its usage.
import { performance } from 'node:perf_hooks';
import type { RouteHandler } from '../../http/route-table.js';
import type { Acquired } from '../../services/scheduler/account-scheduler.js';
import { ZERO_USAGE } from '../../services/usage/usage-types.js';
import type { ExchangeResult } from '../exchange/exchange.js';
import type { RelayDeps } from '../relay-deps.js';
import { prepareAnthropicCall, runAnthropicExchange, upstreamModelFor } from './anthropic-call.js';
import { runWithFailover } from './failover.js';
import { type RequestFacts, settleRequest } from './settle-request.js';

export function createAnthropicMessagesHandler(deps: RelayDeps): RouteHandler {
  return async (req, res, context) => {
    const at = Date.now();
    const { key, info, raw, ticket, acquired, acquire } = await prepareAnthropicCall(
      req,
      res,
      context,
      deps,
      {
        billed: true,
      },
    );
    const facts = (account: Acquired, requestId: string): RequestFacts => ({
      requestId,
      clientRequestId: context.clientRequestId,
      keyId: key.id,
      platform: 'claude',
      model: info.model,
      upstreamModel: upstreamModelFor(account.runtime, info.model),
      stream: info.stream,
      at,
      startedAt: context.startedAt,
    });
    let current = acquired;
    let result: ExchangeResult | undefined;
    try {
      const outcome = await runWithFailover(deps, {
        first: acquired,
        acquire,
        run: (account, holdForRetry) => {
          current = account;
          return runAnthropicExchange(
            deps,
            req,
            res,
            context,
            account,
            { method: 'POST', path: '/v1/messages', body: raw, model: info.model, stream: info.stream },
            holdForRetry,
          );
        },
        // Each attempt that failed over has its own ledger entry; the key's limits are settled once, below.
        attemptFailed: (account, failed, attempt) =>
          settleRequest(
            deps,
            facts(account, `${context.requestId}~${attempt}`),
            account.lease,
            undefined,
            failed,
            performance.now() - context.startedAt,
          ),
      });
      current = outcome.acquired;
      result = outcome.result;
    } finally {
      // Runs even when something above threw: the lease must be released and the request recorded.
      const settled: ExchangeResult = result ?? {
        status: 500,
        outcome: 'upstream_error',
        usage: { ...ZERO_USAGE },
        estimated: false,
        ttftMs: undefined,
        errorCode: 'internal',
      };
      await settleRequest(
        deps,
        facts(current, context.requestId),
        current.lease,
        ticket,
        settled,
        performance.now() - context.startedAt,
      );
    }
  };
}
