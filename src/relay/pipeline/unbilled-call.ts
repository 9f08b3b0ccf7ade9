// Routes that cost no tokens (token counts, model lists): forwarded through leased accounts, failing over like
// billed calls do, each lease released; free calls take nothing from a key's limits and leave no ledger entry.
// A format that lists models itself is answered by the relay (model-list.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext, RouteHandler } from '../../http/route-table.js';
import type { Acquired, AcquireRequest } from '../../services/scheduler/account-scheduler.js';
import { authenticateHolder } from '../client/authenticate.js';
import { detectClient } from '../client/client-kind.js';
import type { RelayDeps } from '../relay-deps.js';
import { acquireRequestFor } from './acquire-request.js';
import { type AttemptCall, runAttempt } from './attempt.js';
import { runWithFailover } from './failover.js';
import { answerModelList } from './model-list.js';
import { prepareCall } from './prepare.js';
import type { RelayRoute } from './relay-route.js';

export function createUnbilledHandler(deps: RelayDeps, route: RelayRoute): RouteHandler {
  if (route.operation === 'list-models') {
    return async (req, res, context) => {
      const { key, deviceId } = await authenticateHolder(req, context, deps);
      deps.admission.checkRestrictions(key, {
        platform: route.platform,
        model: undefined,
        client: detectClient(req.headers),
      });
      const acquire = acquireRequestFor(key, context, route, undefined, undefined);
      const restricted = deviceId !== undefined || key.modelAllow.length > 0 || key.modelDeny.length > 0;
      const listing = route.format.models ?? (restricted ? route.format.restrictedModels : undefined);
      if (listing) {
        // One list serves every format of the pool (the openai SDK lists once, then speaks Chat or Responses):
        // it describes every account of the pool, whichever of its formats each answers.
        const pool = { ...acquire, types: undefined };
        await answerModelList(deps, res, context, route, listing, { key, acquire: pool });
        return;
      }
      const first = await deps.scheduler.acquire(acquire);
      await forward(
        deps,
        req,
        res,
        context,
        route,
        { first, acquire },
        {
          body: undefined,
          model: undefined,
          bodyModel: undefined,
          stream: false,
          inputEstimate: 0,
          outputCap: undefined,
          clientBody: undefined,
          translation: undefined,
        },
      );
    };
  }
  return async (req, res, context) => {
    const prepared = await prepareCall(req, res, context, deps, route);
    const { acquired, acquire, raw, info } = prepared;
    await forward(
      deps,
      req,
      res,
      context,
      prepared.route,
      { first: acquired, acquire },
      {
        body: raw,
        model: info.model,
        bodyModel: prepared.bodyModel,
        stream: false,
        inputEstimate: 0,
        outputCap: undefined,
        clientBody: info.body,
        translation: undefined,
      },
    );
  };
}

async function forward(
  deps: RelayDeps,
  req: IncomingMessage,
  res: ServerResponse,
  context: RequestContext,
  route: RelayRoute,
  plan: { first: Acquired; acquire: AcquireRequest },
  call: AttemptCall,
): Promise<void> {
  let current = plan.first;
  const release = (account: Acquired) =>
    deps.scheduler.release(account.lease).catch((error: unknown) => {
      deps.logger.error({ err: error, requestId: context.requestId }, 'failed to release account lease');
    });
  try {
    const outcome = await runWithFailover(deps, {
      ...plan,
      run: (account, holdForRetry) => {
        current = account;
        return runAttempt(deps, req, res, context, route, account, call, holdForRetry);
      },
      attemptFailed: (account) => release(account),
    });
    current = outcome.acquired;
  } finally {
    await release(current);
  }
}
