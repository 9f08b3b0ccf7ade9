// Forwards a request that costs no tokens (count_tokens, model lists) through a leased account, then releases it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../../http/route-table.js';
import type { Acquired } from '../../services/scheduler/account-scheduler.js';
import { anthropicFormat, anthropicUpstreamHeaders } from '../formats/anthropic/format.js';
import { runExchange } from '../pass-through/exchange.js';
import type { RelayDeps } from '../relay-deps.js';
import { forwardableQuery, upstreamTarget } from '../upstream/target.js';

export async function forwardUnbilled(
  deps: RelayDeps,
  req: IncomingMessage,
  res: ServerResponse,
  context: RequestContext,
  acquired: Acquired,
  call: { method: 'GET' | 'POST'; path: string; body: Buffer | undefined },
): Promise<void> {
  try {
    const target = upstreamTarget(acquired.runtime.account);
    await runExchange({
      res,
      requestId: context.requestId,
      startedAt: context.startedAt,
      errorFormat: 'anthropic',
      format: anthropicFormat,
      transport: deps.transports.forProxy(
        acquired.runtime.account.proxy,
        acquired.runtime.secrets.proxyPassword,
      ),
      call: {
        origin: target.origin,
        path: `${target.basePath}${call.path}${forwardableQuery(context.query)}`,
        method: call.method,
        headers: anthropicUpstreamHeaders(req.headers, acquired.runtime, { stream: false }),
        body: call.body,
        firstByteTimeoutMs: deps.settings.firstByteTimeoutMs,
        idleTimeoutMs: deps.settings.idleTimeoutMs,
      },
      stream: false,
      clientAcceptEncoding: undefined,
      maxResponseBytes: deps.settings.maxResponseBytes,
    });
  } finally {
    await deps.scheduler.release(acquired.lease).catch((error: unknown) => {
      deps.logger.error({ err: error, requestId: context.requestId }, 'failed to release account lease');
    });
  }
}
