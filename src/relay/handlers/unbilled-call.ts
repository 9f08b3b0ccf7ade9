// Forwards a request that costs no tokens (count_tokens, model lists) through leased accounts, failing over
// like billed calls do, and releases each lease; free calls leave no ledger entry.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../../http/route-table.js';
import type { Acquired, AcquireRequest } from '../../services/scheduler/account-scheduler.js';
import type { RelayDeps } from '../relay-deps.js';
import { type AnthropicCall, runAnthropicExchange } from './anthropic-call.js';
import { runWithFailover } from './failover.js';

export async function forwardUnbilled(
  deps: RelayDeps,
  req: IncomingMessage,
  res: ServerResponse,
  context: RequestContext,
  plan: { first: Acquired; acquire: AcquireRequest },
  call: Omit<AnthropicCall, 'stream'>,
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
        return runAnthropicExchange(
          deps,
          req,
          res,
          context,
          account,
          { ...call, stream: false },
          holdForRetry,
        );
      },
      attemptFailed: (account) => release(account),
    });
    current = outcome.acquired;
  } finally {
    await release(current);
  }
}
