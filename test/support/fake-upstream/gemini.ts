// Gemini API: models/{model}:generateContent, :streamGenerateContent (SSE or JSON array), :countTokens, models.
import type { Exchange } from './exchange.js';
import {
  type ErrorBuilder,
  type Frame,
  type Headers,
  headerValue,
  type JsonPlan,
  jsonPlan,
  newId,
  type Plan,
  scenarioOverride,
  successStatus,
} from './plan.js';
import { answerText, resolveUsage, textPlan, totalPromptTokens } from './scenario.js';
import { crlfDataFrame } from './sse.js';

const STATUSES: Record<number, readonly [string, string]> = {
  400: ['INVALID_ARGUMENT', 'Request contains an invalid argument.'],
  401: ['UNAUTHENTICATED', 'Request had invalid authentication credentials.'],
  403: ['PERMISSION_DENIED', 'The caller does not have permission'],
  404: ['NOT_FOUND', 'Requested entity was not found.'],
  409: ['ABORTED', 'The operation was aborted.'],
  413: ['INVALID_ARGUMENT', 'Request payload size exceeds the limit.'],
  429: ['RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).'],
  499: ['CANCELLED', 'The operation was cancelled.'],
  500: [
    'INTERNAL',
    'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  ],
  501: ['UNIMPLEMENTED', 'Method not found.'],
  503: ['UNAVAILABLE', 'The model is overloaded. Please try again later.'],
  504: ['DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.'],
};

const JSON_HEADERS: Headers = {
  'content-type': 'application/json; charset=UTF-8',
  vary: 'Origin, X-Origin, Referer',
  server: 'scaffolding on HTTPServer2',
  'x-content-type-options': 'nosniff',
};
const SSE_STREAM_HEADERS: Headers = { ...JSON_HEADERS, 'content-type': 'text/event-stream' };
const RETRY_INFO = { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1s' };
const KEY_INVALID = {
  '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
  reason: 'API_KEY_INVALID',
  domain: 'googleapis.com',
  metadata: { service: 'generativelanguage.googleapis.com' },
};

export function geminiErrorObject(status: number, type?: string, message?: string, details?: unknown[]) {
  const [defaultStatus, defaultMessage] =
    STATUSES[status] ??
    (status >= 500 ? ['INTERNAL', 'Internal error.'] : ['INVALID_ARGUMENT', 'Bad request.']);
  const error = { code: status, message: message ?? defaultMessage, status: type ?? defaultStatus };
  const extra = details ?? (status === 429 ? [RETRY_INFO] : undefined);
  return extra === undefined ? error : { ...error, details: extra };
}

export const geminiError: ErrorBuilder = (_ex, status, type, message) =>
  jsonPlan(status, JSON_HEADERS, { error: geminiErrorObject(status, type, message) });

/** Key check as the real API does it: missing key → 403, wrong key → 400 API_KEY_INVALID. */
function checkAuth(ex: Exchange): Plan | undefined {
  const expected = ex.options.apiKey;
  if (expected === undefined) return undefined;
  const key = headerValue(ex.req.headers['x-goog-api-key']) ?? ex.record.query.get('key') ?? undefined;
  if (key === undefined) {
    const message =
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.";
    return geminiError(ex, 403, 'PERMISSION_DENIED', message);
  }
  if (key === expected) return undefined;
  const error = geminiErrorObject(
    400,
    'INVALID_ARGUMENT',
    'API key not valid. Please pass a valid API key.',
    [KEY_INVALID],
  );
  return jsonPlan(400, JSON_HEADERS, { error });
}

function checkBody(ex: Exchange): Plan | undefined {
  if (ex.body !== undefined) return undefined;
  const message = ex.invalidJson
    ? 'Invalid JSON payload received. Unexpected token.'
    : 'Request body is required.';
  return geminiError(ex, 400, 'INVALID_ARGUMENT', message);
}

export type GeminiMethod = 'generateContent' | 'streamGenerateContent' | 'countTokens';

export function geminiGenerate(ex: Exchange, model: string, method: GeminiMethod): Plan {
  const early = checkAuth(ex) ?? checkBody(ex) ?? scenarioOverride(ex, () => JSON_HEADERS, geminiError);
  if (early !== undefined) return early;
  const s = ex.scenario;
  const u = resolveUsage(s, ex.record.body.length);
  const prompt = totalPromptTokens(u);
  const promptTokensDetails = [{ modality: 'TEXT', tokenCount: prompt }];
  const status = successStatus(ex);
  if (method === 'countTokens') {
    const result = { totalTokens: prompt, promptTokensDetails };
    return jsonPlan(status, JSON_HEADERS, result, result);
  }
  const usageFor = (candidates: number) => ({
    promptTokenCount: prompt,
    candidatesTokenCount: candidates,
    totalTokenCount: prompt + candidates,
    ...(u.cacheReadTokens > 0 ? { cachedContentTokenCount: u.cacheReadTokens } : {}),
    promptTokensDetails,
  });
  const usageMetadata = usageFor(u.outputTokens);
  const modelVersion = model.startsWith('models/') ? model.slice('models/'.length) : model;
  const responseId = newId('');
  const candidate = (text: string, last: boolean) => ({
    content: { parts: [{ text }], role: 'model' },
    ...(last ? { finishReason: 'STOP' } : {}),
    index: 0,
  });
  if (method === 'generateContent') {
    const response = {
      candidates: [candidate(answerText(s), true)],
      usageMetadata,
      modelVersion,
      responseId,
    };
    return jsonPlan(status, JSON_HEADERS, response, usageMetadata);
  }
  // Streaming: one chunk per text piece. Usage is cumulative like the real API (candidates so far);
  // only the last chunk carries finishReason and the final usage.
  const pieces = textPlan(s).pieces;
  const sse = ex.record.query.get('alt') === 'sse';
  const frames: Frame[] = pieces.map((text, i) => {
    const last = i === pieces.length - 1;
    const usage = last ? usageMetadata : usageFor(Math.floor((u.outputTokens * (i + 1)) / pieces.length));
    const chunk = { candidates: [candidate(text, last)], usageMetadata: usage, modelVersion, responseId };
    return { data: sse ? crlfDataFrame(chunk) : `${i === 0 ? '[' : ',\r\n'}${JSON.stringify(chunk)}`, usage };
  });
  const error = { error: geminiErrorObject(500, s.errorType, s.errorMessage) };
  const errorFrame = (index: number): string =>
    sse ? crlfDataFrame(error) : `${index === 0 ? '[' : ',\r\n'}${JSON.stringify(error)}`;
  const headers = sse ? SSE_STREAM_HEADERS : JSON_HEADERS;
  return { kind: 'stream', status, headers, frames, errorFrame, trailer: sse ? '' : ']' };
}

const MODELS = [
  ['gemini-2.5-flash', 'Gemini 2.5 Flash', 65536],
  ['gemini-2.5-pro', 'Gemini 2.5 Pro', 65536],
  ['gemini-2.0-flash', 'Gemini 2.0 Flash', 8192],
] as const;
const MODEL_OBJECTS = MODELS.map(([id, displayName, outputTokenLimit]) => ({
  name: `models/${id}`,
  version: '001',
  displayName,
  description: `${displayName} (fake upstream)`,
  inputTokenLimit: 1_048_576,
  outputTokenLimit,
  supportedGenerationMethods: [
    'generateContent',
    'countTokens',
    'createCachedContent',
    'batchGenerateContent',
  ],
  temperature: 1,
  topP: 0.95,
  topK: 64,
  maxTemperature: 2,
}));
const MODEL_LIST = JSON.stringify({ models: MODEL_OBJECTS });

export function geminiModels(ex: Exchange, model?: string): Plan {
  const early = checkAuth(ex) ?? scenarioOverride(ex, () => JSON_HEADERS, geminiError);
  if (early !== undefined) return early;
  const status = successStatus(ex);
  if (model === undefined) {
    const plan: JsonPlan = { kind: 'json', status, headers: JSON_HEADERS, body: MODEL_LIST };
    return plan;
  }
  const name = model.startsWith('models/') ? model : `models/${model}`;
  const found = MODEL_OBJECTS.find((m) => m.name === name);
  if (found === undefined) return geminiError(ex, 404, 'NOT_FOUND', `${name} is not found.`);
  return jsonPlan(status, JSON_HEADERS, found);
}
