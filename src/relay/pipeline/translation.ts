// A request served by an account that speaks another format: the client's request read once into the
// canonical model (refusing what has no canonical form, before anything is admitted), rendered per attempt
// in the account's format, and its answer turned back into the client's, stream or whole.
import { AppError } from '../../errors/app-error.js';
import type { ErrorCode } from '../../errors/codes.js';
import type { CanonicalRequest } from '../canonical/request.js';
import type { AnswerTranslation } from '../exchange/stream-tap.js';
import type { FormatName, RequestInfo } from '../formats/relay-format.js';
import type { AnswerContext, FormatTranslator } from '../translate/translator.js';
import { unsupportedFeature } from '../translate/unsupported.js';
import { translatorOf } from './translator-registry.js';

/** The client's side of a translated request, shared by its attempts. */
export interface RequestTranslation {
  client: FormatTranslator;
  canonical: CanonicalRequest;
}

/** Reads the client's request for translation; a feature no other format can express is refused here. */
export function readForTranslation(format: FormatName, info: RequestInfo): RequestTranslation {
  const client = translatorOf(format);
  const canonical = client.toCanonicalRequest(info.body, info.model, info.stream);
  const unsupported = canonical.unsupported[0];
  if (unsupported) throw unsupportedFeature(unsupported.feature, undefined);
  return { client, canonical };
}

/** The client's request read for translation once, when an attempt first needs it. */
export interface TranslationSource {
  get(): RequestTranslation;
}

/**
 * Where every account translates, the request is read at once (what cannot be translated is refused before
 * anything is admitted); where only some do, it is read by the first attempt that needs it, so a request served
 * as the client sent it never pays for the reading.
 */
export function translationSource(format: FormatName, info: RequestInfo, eager: boolean): TranslationSource {
  let read: RequestTranslation | undefined = eager ? readForTranslation(format, info) : undefined;
  return {
    get() {
      read ??= readForTranslation(format, info);
      return read;
    },
  };
}

/** The body an account of `upstream`'s format is sent: the canonical request asking for `model`. */
export function renderForUpstream(
  translation: RequestTranslation,
  upstream: FormatTranslator,
  model: string,
  outputCap: number | undefined,
): { body: Buffer; parsed: Record<string, unknown> } {
  const { canonical } = translation;
  // Only part of the worst case fit the key's budget: the account is asked for no more than was reserved.
  const request =
    outputCap === undefined || (canonical.maxOutputTokens ?? Number.POSITIVE_INFINITY) <= outputCap
      ? canonical
      : { ...canonical, maxOutputTokens: outputCap };
  const parsed = upstream.fromCanonicalRequest(request, model);
  return { body: Buffer.from(JSON.stringify(parsed)), parsed };
}

/** How an answer of `upstream`'s format becomes the client's. */
export function answerTranslation(
  translation: RequestTranslation,
  upstream: FormatTranslator,
  context: Omit<AnswerContext, 'request'>,
): AnswerTranslation {
  const { client } = translation;
  const answerContext: AnswerContext = { ...context, request: translation.canonical };
  return {
    streamContentType: client.streamContentType(context.clientQuery),
    createStream() {
      const decoder = upstream.decodeStream();
      const encoder = client.encodeStream(answerContext);
      return {
        push: (chunk) => Buffer.from(encoder.write(decoder.push(chunk))),
        end: () => Buffer.from(encoder.write(decoder.end()) + encoder.end()),
        fail: (error) => Buffer.from(encoder.fail(error)),
      };
    },
    body(plain) {
      const response = upstream.toCanonicalResponse(JSON.parse(plain.toString('utf8')));
      return Buffer.from(JSON.stringify(client.fromCanonicalResponse(response, answerContext)));
    },
    error: inClientVocabulary,
  };
}

/**
 * What an upstream's error status means, for naming it in the client's format: the upstream's own type names
 * (Google's `RESOURCE_EXHAUSTED`, Anthropic's `overloaded_error`) mean nothing to another format's client.
 */
const CODE_OF_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'invalid_request',
  403: 'permission_denied',
  404: 'not_found',
  408: 'request_timeout',
  413: 'payload_too_large',
  429: 'rate_limited',
  503: 'unavailable',
  504: 'upstream_timeout',
  529: 'upstream_overloaded',
};

/**
 * The upstream's error with its code, status, message and retry time, without the upstream format's own type
 * names and details: the client's format names the error from the code.
 */
function inClientVocabulary(upstream: AppError): AppError {
  const { upstreamDetails: _foreign, ...details } = upstream.details ?? {};
  const code =
    upstream.code === 'upstream_error'
      ? (CODE_OF_STATUS[upstream.httpStatus] ?? upstream.code)
      : upstream.code;
  return new AppError(code, upstream.message, {
    httpStatus: upstream.httpStatus,
    retryable: upstream.retryable,
    ...(Object.keys(details).length > 0 ? { details } : {}),
    ...(upstream.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: upstream.retryAfterSeconds }),
  });
}
