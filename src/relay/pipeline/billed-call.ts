// A billed route's request life, whatever its format and whichever provider answers: prepare (authenticate,
// parse, restrict, admit + lease), attempts with failover while nothing reached the client, settle.
import { performance } from 'node:perf_hooks';
import type { RouteHandler } from '../../http/route-table.js';
import type { Acquired } from '../../services/scheduler/account-scheduler.js';
import { ZERO_USAGE } from '../../services/usage/usage-types.js';
import type { ExchangeResult } from '../exchange/exchange.js';
import type { RelayDeps } from '../relay-deps.js';
import { accountFormatFor, runAttempt, upstreamModelFor } from './attempt.js';
import { runWithFailover } from './failover.js';
import { prepareCall } from './prepare.js';
import type { RelayRoute } from './relay-route.js';
import { captureResponse } from './response-capture.js';
import { type RequestFacts, settleRequest } from './settle-request.js';

export function createBilledHandler(deps: RelayDeps, routeOfPath: RelayRoute): RouteHandler {
  return async (req, res, context) => {
    const at = Date.now();
    const prepared = await prepareCall(req, res, context, deps, routeOfPath);
    const { route, key, info, ticket, acquired, acquire } = prepared;
    const capture = deps.bodyCapture.wants(key) ? captureResponse(res, deps.bodyCapture.maxBytes) : undefined;
    const facts = (account: Acquired, requestId: string, attempts: number): RequestFacts => ({
      requestId,
      clientRequestId: context.clientRequestId,
      keyId: key.id,
      userId: key.ownerId,
      clientFormat: route.format.name,
      upstreamFormat: accountFormatFor(route, account.runtime, prepared.translation),
      clientKind: prepared.client,
      attempts,
      platform: route.platform,
      model: info.model,
      upstreamModel: upstreamModelFor(account.runtime, info.model),
      stream: info.stream,
      at,
      startedAt: context.startedAt,
    });
    const call = {
      body: prepared.raw,
      model: info.model,
      bodyModel: prepared.bodyModel,
      stream: info.stream,
      inputEstimate: prepared.inputEstimate,
      outputCap: ticket?.outputCap,
      clientBody: info.body,
      translation: prepared.translation,
    };
    let current = acquired;
    let attempts = 1;
    let result: ExchangeResult | undefined;
    try {
      const outcome = await runWithFailover(deps, {
        first: acquired,
        acquire,
        run: (account, holdForRetry) => {
          current = account;
          return runAttempt(deps, req, res, context, route, account, call, holdForRetry);
        },
        // Each attempt that failed over has its own ledger entry; the key's limits are settled once, below.
        attemptFailed: (account, failed, attempt) =>
          settleRequest(
            deps,
            facts(account, `${context.requestId}~${attempt}`, attempt),
            account.lease,
            undefined,
            failed,
            performance.now() - context.startedAt,
          ),
      });
      current = outcome.acquired;
      attempts = outcome.attempts;
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
        facts(current, context.requestId, attempts),
        current.lease,
        ticket,
        settled,
        performance.now() - context.startedAt,
        capture &&
          deps.bodyCapture.prepare(context.requestId, prepared.raw, capture.text(), capture.truncated),
      );
    }
  };
}
