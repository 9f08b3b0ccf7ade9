// The steps every Anthropic endpoint shares: authenticate, read and parse the body, lease an account, map the
// model, and run the exchange against that account.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../../errors/app-error.js';
import { readBody } from '../../http/read-body.js';
import type { RequestContext } from '../../http/route-table.js';
import type { AdmissionTicket } from '../../services/admission/admission-service.js';
import { admitAndAcquire } from '../../services/admission/admit-and-acquire.js';
import type { StoredApiKey } from '../../services/api-keys/api-key-types.js';
import type { Acquired } from '../../services/scheduler/account-scheduler.js';
import { authenticateRequest } from '../auth/authenticate.js';
import { detectClient } from '../auth/client-kind.js';
import { anthropicFormat, anthropicUpstreamHeaders } from '../formats/anthropic/format.js';
import { type AnthropicRequestInfo, parseAnthropicRequest } from '../formats/anthropic/request.js';
import { type ExchangeResult, runExchange } from '../pass-through/exchange.js';
import type { RelayDeps } from '../relay-deps.js';
import { spliceTopLevelString } from '../stream/json-field-splice.js';
import { forwardableQuery, upstreamTarget } from '../upstream/target.js';

export interface PreparedAnthropicCall {
  key: StoredApiKey;
  info: AnthropicRequestInfo;
  /** Admission's claim on the key's limits; absent for calls that spend nothing. */
  ticket: AdmissionTicket | undefined;
  acquired: Acquired;
  upstreamModel: string;
  /** The client's bytes, unchanged unless the account maps the model to another name. */
  body: Buffer;
}

export async function prepareAnthropicCall(
  req: IncomingMessage,
  res: ServerResponse,
  context: RequestContext,
  deps: RelayDeps,
  options: { billed: boolean },
): Promise<PreparedAnthropicCall> {
  const key = await authenticateRequest(req, context, deps);
  const raw = await readBody(req, deps.settings.bodyLimitBytes);
  const info = parseAnthropicRequest(raw, { requireMaxTokens: false });
  const client = detectClient(req.headers, { userId: info.userId });
  if (!options.billed)
    deps.admission.checkRestrictions(key, { platform: 'claude', model: info.model, client });
  const { ticket, acquired } = await admitAndAcquire(
    deps.admission,
    deps.scheduler,
    options.billed
      ? {
          key,
          requestId: context.requestId,
          platform: 'claude',
          model: info.model,
          client,
          bodyBytes: raw.length,
          maxTokens: info.maxTokens,
          ...(key.limits.queue ? { signal: clientGone(res) } : {}),
        }
      : undefined,
    { platform: 'claude', model: info.model, requestId: context.requestId },
  );
  const mapping = acquired.runtime.account.modelMapping;
  const upstreamModel = Object.hasOwn(mapping, info.model) ? (mapping[info.model] ?? info.model) : info.model;
  const body = upstreamModel === info.model ? raw : spliceTopLevelString(raw, 'model', upstreamModel);
  if (!body) {
    await deps.scheduler.release(acquired.lease);
    if (ticket) await deps.admission.release(ticket).catch(() => {});
    throw new AppError('invalid_request', 'model: must be a top-level string', {
      details: { field: 'model' },
    });
  }
  return { key, info, ticket, acquired, upstreamModel, body };
}

/** Aborts when the client disconnects before its answer: ends waiting in a key's queue. */
function clientGone(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

/** Runs one pass-through exchange in the Anthropic format against the leased account. */
export function runAnthropicExchange(
  deps: RelayDeps,
  req: IncomingMessage,
  res: ServerResponse,
  context: RequestContext,
  acquired: Acquired,
  call: { method: 'GET' | 'POST'; path: string; body: Buffer | undefined; stream: boolean },
): Promise<ExchangeResult> {
  const { account, secrets } = acquired.runtime;
  const target = upstreamTarget(account);
  return runExchange({
    res,
    requestId: context.requestId,
    startedAt: context.startedAt,
    errorFormat: 'anthropic',
    format: anthropicFormat,
    transport: deps.transports.forProxy(account.proxy, secrets.proxyPassword),
    call: {
      origin: target.origin,
      path: `${target.basePath}${call.path}${forwardableQuery(context.query)}`,
      method: call.method,
      headers: anthropicUpstreamHeaders(req.headers, acquired.runtime, {
        stream: call.stream,
        credential: secrets.apiKey ?? '',
      }),
      body: call.body,
      firstByteTimeoutMs: deps.settings.firstByteTimeoutMs,
      idleTimeoutMs: deps.settings.idleTimeoutMs,
    },
    stream: call.stream,
    // Compressed answers pass through only to clients that accept them.
    clientAcceptEncoding: headerText(req.headers['accept-encoding']),
    maxResponseBytes: deps.settings.maxResponseBytes,
  });
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
