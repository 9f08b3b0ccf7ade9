// The first half of a request's life, for any route with a body: authenticate, read and parse the body in the
// route's format, serve its model as the key maps it, check the key's restrictions, then admit the request and
// lease an account in one step.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../../errors/app-error.js';
import { readBody } from '../../http/read-body.js';
import type { RequestContext } from '../../http/route-table.js';
import type { AdmissionTicket } from '../../services/admission/admission-types.js';
import { admitAndAcquire } from '../../services/admission/admit-and-acquire.js';
import type { StoredApiKey } from '../../services/api-keys/api-key-types.js';
import type { ClientKind } from '../../services/domain/platforms.js';
import type { Acquired, AcquireRequest } from '../../services/scheduler/account-scheduler.js';
import { authenticateRequest } from '../client/authenticate.js';
import { detectClient } from '../client/client-kind.js';
import type { RequestInfo } from '../formats/relay-format.js';
import { servingPlan } from '../providers/registry.js';
import type { RelayDeps } from '../relay-deps.js';
import { acquireRequestFor } from './acquire-request.js';
import { routeForModel } from './model-route.js';
import type { RelayRoute } from './relay-route.js';
import { type TranslationSource, translationSource } from './translation.js';

export interface PreparedCall {
  /** The route with the pool the request's model picked (see `routeForModel`). */
  route: RelayRoute;
  key: StoredApiKey;
  /** The request as it is served: its `model` is the key's mapping of the client's, when the key maps it. */
  info: RequestInfo;
  /** The model the client's body (or path) names, which the bytes still carry until an attempt rewrites them. */
  bodyModel: string;
  /**
   * The bytes for upstream: the client's, unchanged unless its output had to be capped to fit the key's budget
   * or its format asks upstream for something on the relay's behalf (a usage chunk).
   */
  raw: Buffer;
  /** Admission's claim on the key's limits; absent for calls that spend nothing. */
  ticket: AdmissionTicket | undefined;
  acquired: Acquired;
  /** How this request's accounts are chosen, for failover to reuse. */
  acquire: AcquireRequest;
  /** Admission's estimate of the input tokens (0 for calls that spend nothing). */
  inputEstimate: number;
  /** Set when some of the pool's accounts speak another format than the client: the request as they get it. */
  translation: TranslationSource | undefined;
  /** Which client sent it, as its headers tell. */
  client: ClientKind | undefined;
}

export async function prepareCall(
  req: IncomingMessage,
  res: ServerResponse,
  context: RequestContext,
  deps: RelayDeps,
  routeOfPath: RelayRoute,
): Promise<PreparedCall> {
  const billed = routeOfPath.operation === 'generate';
  const key = await authenticateRequest(req, context, deps);
  const raw = await readBody(req, deps.settings.bodyLimitBytes);
  const { format } = routeOfPath;
  const parsed = format.parse(raw, routeOfPath.operation, context);
  const info = servedByKey(key, parsed);
  const routed = routeForModel(routeOfPath, info.model, deps.models);
  const route = routed instanceof Promise ? await routed : routed;
  const { platform } = route;
  const plan = servingPlan(format.name, route.operation, platform);
  if (plan.types.length === 0 && route.operation !== 'generate') throw notTranslated(route, info.model);
  const translation =
    plan.translate === 'none' ? undefined : translationSource(format.name, info, plan.translate === 'all');
  const client = detectClient(req.headers, info.clientHints);
  if (!billed) deps.admission.checkRestrictions(key, { platform, model: info.model, client });
  else refuseUnpriced(deps, route, info.model);
  const acquire = acquireRequestFor(
    key,
    context,
    route,
    info.model,
    format.sessionId(req.headers, info, raw),
    plan.types,
  );
  const input = billed ? format.measureInput(raw, info) : undefined;
  const inputEstimate = input?.estimateTokens ?? 0;
  const { ticket, acquired } = await admitAndAcquire(
    deps.admission,
    deps.scheduler,
    input
      ? {
          key,
          requestId: context.requestId,
          clientRequestId: context.clientRequestId,
          platform,
          model: info.model,
          client,
          clientFormat: format.name,
          stream: info.stream,
          input,
          maxTokens: info.maxTokens,
          ...(key.limits.queue ? { signal: clientGone(res) } : {}),
        }
      : undefined,
    acquire,
    deps.store,
  );
  const upstream = (body: Buffer) => (format.upstreamBody ? format.upstreamBody(body, info) : body);
  const prepared = (bytes: Buffer): PreparedCall => ({
    route,
    key,
    info,
    bodyModel: parsed.model,
    raw: bytes,
    ticket,
    acquired,
    acquire,
    inputEstimate,
    translation,
    client,
  });
  if (ticket?.outputCap === undefined) return prepared(upstream(raw));
  // Only part of the worst case fit under a cost limit: the upstream is asked for no more output than the
  // reservation pays for, and stops there with its own protocol-correct stop. A translated request carries the
  // cap into the account's format when each attempt renders it.
  res.setHeader('x-relay-max-tokens', String(ticket.outputCap));
  if (plan.translate === 'all') return prepared(raw);
  let capped: Buffer;
  try {
    capped = format.capOutput(raw, info, ticket.outputCap);
  } catch (error) {
    await Promise.allSettled([deps.admission.release(ticket), deps.scheduler.release(acquired.lease)]);
    throw error;
  }
  return prepared(upstream(capped));
}

/**
 * The request as its key serves it. A key that maps the client's model has it served as the mapped one, from
 * here on: that name picks the pool, meets the key's restrictions, is priced, recorded, and sent upstream (after
 * the account's own mapping). A key that maps nothing costs one `hasOwn` check.
 */
function servedByKey(key: StoredApiKey, info: RequestInfo): RequestInfo {
  const mapping = key.modelMapping;
  if (!Object.hasOwn(mapping, info.model)) return info;
  const model = mapping[info.model];
  return model === undefined || model === info.model ? info : { ...info, model };
}

/** A call other than a generation (a token count) for a model whose pool speaks another format. */
function notTranslated(route: RelayRoute, model: string): AppError {
  return new AppError(
    'invalid_request',
    `model: ${model} is served by ${route.platform} accounts, which answer this ${route.operation} call only ` +
      'in their own format; generations are translated, this call is not',
    { details: { field: 'model', reason: 'not_translated', model, platform: route.platform } },
  );
}

/** With UNPRICED_MODELS=refuse, a model nobody can price is refused before anything is taken for it. */
function refuseUnpriced(deps: RelayDeps, route: RelayRoute, model: string): void {
  if (deps.settings.unpricedModels !== 'refuse' || deps.pricing.quote(route.platform, model, 0)) return;
  throw new AppError(
    'invalid_request',
    `model: ${model} has no known price, and this relay does not serve models it cannot bill`,
    { details: { field: 'model', reason: 'unpriced_model' } },
  );
}

/** Aborts when the client disconnects before its answer: ends waiting in a key's queue. */
function clientGone(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
