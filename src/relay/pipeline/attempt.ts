// One attempt of a request against one leased account: the account's provider builds the call, the exchange
// carries it (passed through, or translated where the account's wire format is not the client's).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../../errors/app-error.js';
import type { RequestContext } from '../../http/route-table.js';
import type { AccountRuntime } from '../../services/accounts/account-types.js';
import type { Acquired } from '../../services/scheduler/account-scheduler.js';
import { type ExchangeResult, failedBeforeCall, runExchange } from '../exchange/exchange.js';
import { answerError } from '../exchange/exchange-result.js';
import type { AnswerTranslation } from '../exchange/stream-tap.js';
import type { FormatName, RelayFormat } from '../formats/relay-format.js';
import { providerFor, translatedFormatOf } from '../providers/registry.js';
import {
  ProviderCallFailure,
  type ProviderRequest,
  type UpstreamProvider,
} from '../providers/upstream-provider.js';
import type { RelayDeps } from '../relay-deps.js';
import { spliceTopLevelString } from '../stream/json-field-splice.js';
import { completeCall } from '../upstream/complete-call.js';
import { forwardableQuery } from '../upstream/target.js';
import type { HoldPredicate } from './failover.js';
import { FORMATS } from './format-registry.js';
import type { RelayRoute } from './relay-route.js';
import { answerTranslation, renderForUpstream, type TranslationSource } from './translation.js';
import { translatorOf } from './translator-registry.js';

/** What the attempt sends, as the client asked it. */
export interface AttemptCall {
  /** The client's body; its model is rewritten when the name sent differs. Undefined for model lists. */
  body: Buffer | undefined;
  /** The model the request is served as: the client's, or its key's mapping of it. */
  model: string | undefined;
  /** The model the body names as the client sent it (before the key's mapping): what a rewrite replaces. */
  bodyModel: string | undefined;
  stream: boolean;
  /** Admission's estimate of the input tokens; 0 for calls that were not measured. */
  inputEstimate: number;
  /** The output bound admission lowered the body to, when only part of the worst case fit the key's budget. */
  outputCap: number | undefined;
  /** The client's parsed body, as it asked (the bytes above may carry what the relay added for itself). */
  clientBody: Record<string, unknown> | undefined;
  /** Set when some accounts speak another format than the client: the request is rendered in theirs. */
  translation: TranslationSource | undefined;
}

/** What goes upstream in the account's format, and how its answer comes back in the client's. */
interface UpstreamForm {
  format: RelayFormat;
  body: Buffer | undefined;
  /** For the provider: `?…` or ''. */
  query: string;
  /** What the tap is told the request asked for. */
  tapBody: Record<string, unknown> | undefined;
  /** The query the provider's own converter frames its stream by. */
  converterQuery: string;
  answer: AnswerTranslation | undefined;
}

/** The model name an account is asked for: the one served (see `AttemptCall.model`), unless the account maps it. */
export function upstreamModelFor(runtime: AccountRuntime, model: string): string {
  const mapping = runtime.account.modelMapping;
  return Object.hasOwn(mapping, model) ? (mapping[model] ?? model) : model;
}

/**
 * The format an account is sent a request in: the client's, unless the request is translated and the account's
 * provider does not speak the client's format.
 */
export function accountFormatFor(
  route: RelayRoute,
  runtime: AccountRuntime,
  translation: TranslationSource | undefined,
): FormatName {
  return translatedTarget(route, providerFor(runtime.account.type), translation) ?? route.format.name;
}

/** The format a translated request is rendered in for this provider; undefined when it goes as the client sent it. */
function translatedTarget(
  route: RelayRoute,
  provider: UpstreamProvider,
  translation: TranslationSource | undefined,
): FormatName | undefined {
  return translation && !provider.formats.includes(route.format.name)
    ? translatedFormatOf(provider)
    : undefined;
}

/** Marks a credential that could not be had: the account's failure, which failover can route around. */
class CredentialUnavailable extends Error {
  constructor(readonly appError: AppError) {
    super(appError.message);
  }
}

export async function runAttempt(
  deps: RelayDeps,
  req: IncomingMessage,
  res: ServerResponse,
  context: RequestContext,
  route: RelayRoute,
  acquired: Acquired,
  call: AttemptCall,
  holdForRetry?: HoldPredicate,
): Promise<ExchangeResult> {
  const { runtime } = acquired;
  const { account, secrets } = runtime;
  const provider = providerFor(account.type);
  const errors = route.format.errors;
  if (call.outputCap !== undefined && !provider.acceptsOutputCap) {
    // Sent uncapped, the request could spend past the key's limit; capped, this account refuses it. Another
    // account would not help a budget: the refusal is the key's, as when nothing fits at admission.
    return answerError(
      { res, requestId: context.requestId, errors },
      outputCapRefused(call.outputCap),
      undefined,
    );
  }
  const upstreamModel = call.model === undefined ? undefined : upstreamModelFor(runtime, call.model);
  // Relayed, but recorded at cost 0: the client is told its cost is unknown (UNPRICED_MODELS=allow).
  if (upstreamModel !== undefined && !deps.pricing.quote(route.platform, upstreamModel, 0))
    res.setHeader('x-relay-cost', 'unknown');
  else if (res.hasHeader('x-relay-cost')) res.removeHeader('x-relay-cost');
  let form: UpstreamForm;
  try {
    form = upstreamForm(route, call, upstreamModel, provider, context);
  } catch (error) {
    // What the account's format cannot express is the request's fault, and no other account would differ.
    if (!(error instanceof AppError) || !call.translation) throw error;
    return answerError({ res, requestId: context.requestId, errors }, error, undefined);
  }
  const transport = deps.transports.forProxy(account.proxy, secrets.proxyPassword);
  let upstream: ProviderRequest;
  try {
    upstream = await provider.buildCall({
      runtime,
      format: form.format.name,
      operation: route.operation,
      clientHeaders: req.headers,
      body: form.body,
      model: upstreamModel,
      stream: call.stream,
      query: form.query,
      modelId: context.params.model,
      credential: () => credentialOf(deps, runtime),
      ask: (request) =>
        completeCall(transport, {
          ...request,
          firstByteTimeoutMs: deps.settings.firstByteTimeoutMs,
          idleTimeoutMs: deps.settings.idleTimeoutMs,
        }),
    });
  } catch (error) {
    const failure = { res, requestId: context.requestId, errors, holdForRetry };
    if (error instanceof ProviderCallFailure) return failedBeforeCall(failure, error.appError, error.signal);
    if (!(error instanceof CredentialUnavailable)) throw error;
    return failedBeforeCall(failure, error.appError, { kind: 'credential', message: error.message });
  }
  return runExchange({
    res,
    requestId: context.requestId,
    startedAt: context.startedAt,
    errors,
    format: form.format,
    transport,
    clientQuery: form.converterQuery,
    stream: call.stream,
    tapContext: { inputEstimate: call.inputEstimate, body: form.tapBody },
    // Compressed answers pass through only to clients that accept them.
    clientAcceptEncoding: headerText(req.headers['accept-encoding']),
    maxResponseBytes: deps.settings.maxResponseBytes,
    holdForRetry,
    translation: provider.translation?.(form.format.name),
    answer: form.answer,
    httpError: provider.httpError,
    readLimits: provider.readLimits,
    call: {
      ...upstream,
      firstByteTimeoutMs: deps.settings.firstByteTimeoutMs,
      idleTimeoutMs: deps.settings.idleTimeoutMs,
    },
  });
}

/**
 * The call in the account's format: the client's bytes (its model rewritten where a mapping changed it), or for
 * a translated request the canonical request rendered for the account, with the translation of its answer.
 */
function upstreamForm(
  route: RelayRoute,
  call: AttemptCall,
  upstreamModel: string | undefined,
  provider: UpstreamProvider,
  context: RequestContext,
): UpstreamForm {
  const upstreamFormat = translatedTarget(route, provider, call.translation);
  if (!call.translation || upstreamFormat === undefined || upstreamModel === undefined) {
    // A model named by the path (Gemini) reaches the provider as `model`; one in the body is rewritten there,
    // whichever mapping (the key's, the account's, or both) changed it.
    const body =
      call.body &&
      upstreamModel !== undefined &&
      upstreamModel !== call.bodyModel &&
      !route.format.modelInPath
        ? spliceTopLevelString(call.body, 'model', upstreamModel)
        : call.body;
    if (!body && call.body) {
      throw new AppError('invalid_request', 'model: must be a top-level string', {
        details: { field: 'model' },
      });
    }
    const query = forwardableQuery(context.query);
    return {
      format: route.format,
      body,
      query,
      tapBody: call.clientBody,
      converterQuery: context.query,
      answer: undefined,
    };
  }
  const upstream = translatorOf(upstreamFormat);
  const translation = call.translation.get();
  const rendered = renderForUpstream(translation, upstream, upstreamModel, call.outputCap);
  const query = upstream.upstreamQuery?.(call.stream) ?? '';
  return {
    format: FORMATS[upstreamFormat],
    body: rendered.body,
    query: query === '' ? '' : `?${query}`,
    tapBody: rendered.parsed,
    converterQuery: query,
    answer: answerTranslation(translation, upstream, {
      model: call.model ?? upstreamModel,
      requestId: context.requestId,
      clientQuery: context.query,
      created: Math.floor(Date.now() / 1000),
    }),
  };
}

function outputCapRefused(outputCap: number): AppError {
  return new AppError(
    'quota_exceeded',
    `This request's worst case does not fit in what is left of this API key's spending limit (room for ` +
      `${outputCap} output tokens), and the account serving it cannot be asked for less output`,
    { details: { reason: 'does_not_fit', outputTokens: outputCap } },
  );
}

/** The account's credential at call time; one that cannot be had is the account's failure, not the relay's. */
function credentialOf(deps: RelayDeps, runtime: AccountRuntime): string | Promise<string> {
  const wrap = (error: unknown): never => {
    throw new CredentialUnavailable(
      error instanceof AppError
        ? error
        : new AppError('upstream_error', 'The account credential is unavailable'),
    );
  };
  try {
    const credential = deps.credentials.forAccount(runtime);
    return typeof credential === 'string' ? credential : credential.catch(wrap);
  } catch (error) {
    return wrap(error);
  }
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
