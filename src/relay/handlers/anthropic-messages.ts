// POST /v1/messages: authenticate, choose an account, pass the exchange through, settle its usage.
import { performance } from 'node:perf_hooks';
import { AppError } from '../../errors/app-error.js';
import { readBody } from '../../http/read-body.js';
import type { RouteHandler } from '../../http/route-table.js';
import type { Acquired } from '../../services/scheduler/account-scheduler.js';
import { ZERO_USAGE } from '../../services/usage/usage-types.js';
import { authenticateRequest } from '../auth/authenticate.js';
import { anthropicFormat, anthropicUpstreamHeaders } from '../formats/anthropic/format.js';
import { parseAnthropicRequest } from '../formats/anthropic/request.js';
import { type ExchangeResult, runExchange } from '../pass-through/exchange.js';
import type { RelayDeps } from '../relay-deps.js';
import { spliceTopLevelString } from '../stream/json-field-splice.js';
import { forwardableQuery, upstreamTarget } from '../upstream/target.js';
import { type RequestFacts, settleRequest } from './settle-request.js';

export function mappedModel(acquired: Acquired, model: string): string {
  const mapping = acquired.runtime.account.modelMapping;
  return Object.hasOwn(mapping, model) ? (mapping[model] ?? model) : model;
}

export function createAnthropicMessagesHandler(deps: RelayDeps): RouteHandler {
  const { settings } = deps;
  return async (req, res, context) => {
    const at = Date.now();
    const key = await authenticateRequest(req, context, deps);
    const raw = await readBody(req, settings.bodyLimitBytes);
    const info = parseAnthropicRequest(raw, { requireMaxTokens: false });
    const acquired = await deps.scheduler.acquire({
      platform: 'claude',
      model: info.model,
      requestId: context.requestId,
    });
    const upstreamModel = mappedModel(acquired, info.model);
    const facts: RequestFacts = {
      requestId: context.requestId,
      keyId: key.id,
      platform: 'claude',
      model: info.model,
      upstreamModel,
      stream: info.stream,
      at,
      startedAt: context.startedAt,
    };
    let result: ExchangeResult | undefined;
    try {
      // The client's bytes go upstream unchanged unless the account maps the model to another name.
      const body = upstreamModel === info.model ? raw : spliceTopLevelString(raw, 'model', upstreamModel);
      if (!body)
        throw new AppError('invalid_request', 'model: must be a top-level string', {
          details: { field: 'model' },
        });
      const target = upstreamTarget(acquired.runtime.account);
      result = await runExchange({
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
          path: `${target.basePath}/v1/messages${forwardableQuery(context.query)}`,
          method: 'POST',
          headers: anthropicUpstreamHeaders(req.headers, acquired.runtime, { stream: info.stream }),
          body,
          firstByteTimeoutMs: settings.firstByteTimeoutMs,
          idleTimeoutMs: settings.idleTimeoutMs,
        },
        stream: info.stream,
        clientAcceptEncoding: firstHeader(req.headers['accept-encoding']),
        maxResponseBytes: settings.maxResponseBytes,
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
      await settleRequest(deps, facts, acquired.lease, settled, performance.now() - context.startedAt);
    }
  };
}

export function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
