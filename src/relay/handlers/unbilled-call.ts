// Forwards a request that costs no tokens (count_tokens, model lists) through a leased account, then releases it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../../http/route-table.js';
import type { Acquired } from '../../services/scheduler/account-scheduler.js';
import type { RelayDeps } from '../relay-deps.js';
import { runAnthropicExchange } from './anthropic-call.js';

export async function forwardUnbilled(
  deps: RelayDeps,
  req: IncomingMessage,
  res: ServerResponse,
  context: RequestContext,
  acquired: Acquired,
  call: { method: 'GET' | 'POST'; path: string; body: Buffer | undefined },
): Promise<void> {
  try {
    await runAnthropicExchange(deps, req, res, context, acquired, { ...call, stream: false });
  } finally {
    await deps.scheduler.release(acquired.lease).catch((error: unknown) => {
      deps.logger.error({ err: error, requestId: context.requestId }, 'failed to release account lease');
    });
  }
}
