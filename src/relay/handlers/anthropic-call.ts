// The steps every Anthropic endpoint shares: authenticate, read and parse the body, admit the request and
// lease an account, then run exchanges against the pool's accounts (with failover) in the Anthropic format.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../../errors/app-error.js';
import { readBody } from '../../http/read-body.js';
import type { RequestContext } from '../../http/route-table.js';
import type { AccountRuntime } from '../../services/accounts/account-types.js';
import type { AdmissionTicket } from '../../services/admission/admission-service.js';
import { admitAndAcquire } from '../../services/admission/admit-and-acquire.js';
import type { StoredApiKey } from '../../services/api-keys/api-key-types.js';
import type { Acquired, AcquireRequest } from '../../services/scheduler/account-scheduler.js';
import { authenticateRequest } from '../client/authenticate.js';
import { detectClient } from '../client/client-kind.js';
import { type ExchangeResult, failedBeforeCall, runExchange } from '../exchange/exchange.js';
import { capAnthropicOutput, measureAnthropicInput } from '../formats/anthropic/budget.js';
import { anthropicFormat, anthropicUpstreamHeaders } from '../formats/anthropic/format.js';
import { type AnthropicRequestInfo, parseAnthropicRequest } from '../formats/anthropic/request.js';
import { anthropicSessionId } from '../formats/anthropic/session.js';
import { bedrockCall, bedrockTranslation } from '../providers/bedrock/bedrock-call.js';
import type { RelayDeps } from '../relay-deps.js';
import { spliceTopLevelString } from '../stream/json-field-splice.js';
import { forwardableQuery, upstreamTarget } from '../upstream/target.js';
import type { HoldPredicate } from './failover.js';

export interface PreparedAnthropicCall {
  key: StoredApiKey;
  info: AnthropicRequestInfo;
  /** The client's bytes, unchanged unless its output had to be capped to fit the key's budget. */
  raw: Buffer;
  /** Admission's claim on the key's limits; absent for calls that spend nothing. */
  ticket: AdmissionTicket | undefined;
  acquired: Acquired;
  /** How this request's accounts are chosen, for failover to reuse. */
  acquire: AcquireRequest;
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
  else refuseUnpriced(deps, info.model);
  const session = anthropicSessionId(req.headers, info, raw);
  const acquire = anthropicAcquireRequest(key, context, info.model, {
    ...(session ? { session: { keyId: key.id, id: session } } : {}),
    ...(options.billed ? {} : { anthropicApiOnly: true }),
  });
  const { ticket, acquired } = await admitAndAcquire(
    deps.admission,
    deps.scheduler,
    options.billed
      ? {
          key,
          requestId: context.requestId,
          clientRequestId: context.clientRequestId,
          platform: 'claude',
          model: info.model,
          client,
          stream: info.stream,
          input: measureAnthropicInput(raw, info.body),
          maxTokens: info.maxTokens,
          ...(key.limits.queue ? { signal: clientGone(res) } : {}),
        }
      : undefined,
    acquire,
    deps.store,
  );
  if (ticket?.outputCap === undefined) return { key, info, raw, ticket, acquired, acquire };
  // Only part of the worst case fit under a cost limit: the upstream is asked for no more output than the
  // reservation pays for, and stops there with its own protocol-correct `max_tokens` stop.
  let capped: Buffer;
  try {
    capped = capAnthropicOutput(raw, info.body, ticket.outputCap);
  } catch (error) {
    await Promise.allSettled([deps.admission.release(ticket), deps.scheduler.release(acquired.lease)]);
    throw error;
  }
  res.setHeader('x-relay-max-tokens', String(ticket.outputCap));
  return { key, info, raw: capped, ticket, acquired, acquire };
}

/** With UNPRICED_MODELS=refuse, a model nobody can price is refused before anything is taken for it. */
function refuseUnpriced(deps: RelayDeps, model: string): void {
  if (deps.settings.unpricedModels !== 'refuse' || deps.pricing.quote('claude', model, 0)) return;
  throw new AppError(
    'invalid_request',
    `model: ${model} has no known price, and this relay does not serve models it cannot bill`,
    { details: { field: 'model', reason: 'unpriced_model' } },
  );
}

/**
 * Choosing a Claude account for a key: its binding first, its session's pin next. Calls that only Anthropic's
 * own API answers (token counts, model lists) skip Bedrock accounts.
 */
export function anthropicAcquireRequest(
  key: StoredApiKey,
  context: RequestContext,
  model: string | undefined,
  extra: { session?: AcquireRequest['session']; anthropicApiOnly?: boolean },
): AcquireRequest {
  const binding = key.bindings.claude;
  return {
    platform: 'claude',
    model,
    requestId: context.requestId,
    ...(extra.session ? { session: extra.session } : {}),
    ...(binding ? { binding: { ...binding, fallback: key.bindingFallback } } : {}),
    ...(extra.anthropicApiOnly ? { types: ANTHROPIC_API_TYPES } : {}),
  };
}

const ANTHROPIC_API_TYPES = ['claude-console', 'claude-oauth', 'ccr'] as const;

/** Aborts when the client disconnects before its answer: ends waiting in a key's queue. */
function clientGone(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

/** The model name an account is asked for: the client's, unless the account maps it to another. */
export function upstreamModelFor(runtime: AccountRuntime, model: string): string {
  const mapping = runtime.account.modelMapping;
  return Object.hasOwn(mapping, model) ? (mapping[model] ?? model) : model;
}

export interface AnthropicCall {
  method: 'GET' | 'POST';
  path: string;
  /** The client's body; its model is rewritten when the account maps it. */
  body: Buffer | undefined;
  model: string | undefined;
  stream: boolean;
}

/** Runs one pass-through exchange in the Anthropic format against the leased account. */
export async function runAnthropicExchange(
  deps: RelayDeps,
  req: IncomingMessage,
  res: ServerResponse,
  context: RequestContext,
  acquired: Acquired,
  call: AnthropicCall,
  holdForRetry?: HoldPredicate,
): Promise<ExchangeResult> {
  const { account, secrets } = acquired.runtime;
  const failure = { res, requestId: context.requestId, errorFormat: 'anthropic' as const, holdForRetry };
  const upstreamModel = call.model === undefined ? undefined : upstreamModelFor(acquired.runtime, call.model);
  // Relayed, but recorded at cost 0: the client is told its cost is unknown (UNPRICED_MODELS=allow).
  if (upstreamModel !== undefined && !deps.pricing.quote('claude', upstreamModel, 0))
    res.setHeader('x-relay-cost', 'unknown');
  else if (res.hasHeader('x-relay-cost')) res.removeHeader('x-relay-cost');
  const body =
    call.body && upstreamModel !== undefined && upstreamModel !== call.model
      ? spliceTopLevelString(call.body, 'model', upstreamModel)
      : call.body;
  if (!body && call.body) {
    throw new AppError('invalid_request', 'model: must be a top-level string', {
      details: { field: 'model' },
    });
  }
  const exchange = {
    res,
    requestId: context.requestId,
    startedAt: context.startedAt,
    errorFormat: 'anthropic' as const,
    format: anthropicFormat,
    transport: deps.transports.forProxy(account.proxy, secrets.proxyPassword),
    stream: call.stream,
    // Compressed answers pass through only to clients that accept them.
    clientAcceptEncoding: headerText(req.headers['accept-encoding']),
    maxResponseBytes: deps.settings.maxResponseBytes,
    holdForRetry,
  };
  const timeouts = {
    firstByteTimeoutMs: deps.settings.firstByteTimeoutMs,
    idleTimeoutMs: deps.settings.idleTimeoutMs,
  };
  if (account.type === 'bedrock') {
    // Only Messages calls reach Bedrock accounts (the scheduler keeps other calls off them).
    if (!call.body || upstreamModel === undefined) {
      throw new AppError('internal', `Bedrock account chosen for ${call.method} ${call.path}`);
    }
    const upstream = await bedrockCall(acquired.runtime, req.headers, call.body, {
      model: upstreamModel,
      stream: call.stream,
    });
    return runExchange({
      ...exchange,
      call: { ...upstream, method: 'POST', ...timeouts },
      translation: bedrockTranslation,
    });
  }
  let credential: string;
  try {
    credential = await deps.credentials.forAccount(acquired.runtime);
  } catch (error) {
    const appError =
      error instanceof AppError
        ? error
        : new AppError('upstream_error', 'The account credential is unavailable');
    return failedBeforeCall(failure, appError, { kind: 'credential', message: appError.message });
  }
  const target = upstreamTarget(account);
  return runExchange({
    ...exchange,
    call: {
      origin: target.origin,
      path: `${target.basePath}${call.path}${forwardableQuery(context.query)}`,
      method: call.method,
      headers: anthropicUpstreamHeaders(req.headers, acquired.runtime, { stream: call.stream, credential }),
      body,
      ...timeouts,
    },
  });
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
