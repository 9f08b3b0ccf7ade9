// Gemini API: models/{model}:generateContent, :streamGenerateContent (SSE or JSON array), :countTokens, models.
// `geminiAnswer` builds the answer (text, thought summary, function calls, usage); Code Assist wraps the same.
import { randomBytes } from 'node:crypto';
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
import { answerText, parseToolArguments, resolveUsage, textPlan, totalPromptTokens } from './scenario.js';
import { crlfDataFrame } from './sse.js';
import type { Scenario, ToolCall, Usage } from './types.js';

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
  const answer = geminiAnswer(s, u, model);
  if (method === 'generateContent') {
    return jsonPlan(status, JSON_HEADERS, answer.whole, answer.usageMetadata);
  }
  const sse = ex.record.query.get('alt') === 'sse';
  const frames: Frame[] = answer.chunks.map(({ response, usage }, i) => ({
    data: sse ? crlfDataFrame(response) : `${i === 0 ? '[' : ',\r\n'}${JSON.stringify(response)}`,
    usage,
  }));
  const error = { error: geminiErrorObject(500, s.errorType, s.errorMessage) };
  const errorFrame = (index: number): string =>
    sse ? crlfDataFrame(error) : `${index === 0 ? '[' : ',\r\n'}${JSON.stringify(error)}`;
  const headers = sse ? SSE_STREAM_HEADERS : JSON_HEADERS;
  return { kind: 'stream', status, headers, frames, errorFrame, trailer: sse ? '' : ']' };
}

type Part = Record<string, unknown>;

export interface GeminiChunk {
  /** One `GenerateContentResponse` of a stream. */
  response: Record<string, unknown>;
  /** Its `usageMetadata` (cumulative so far). */
  usage: Record<string, unknown>;
}

export interface GeminiAnswer {
  /** The generateContent answer. */
  whole: Record<string, unknown>;
  /** The streamGenerateContent chunks: usage cumulative on every one, finishReason only on the last. */
  chunks: GeminiChunk[];
  /** The final usage. */
  usageMetadata: Record<string, unknown>;
}

/**
 * Google's usage: prompt includes cached tokens; thoughts are outside candidates and inside the total. Zero
 * counts stay in (the fake always sent them).
 */
function usageMetadata(u: Usage, candidates: number): Record<string, unknown> {
  const prompt = totalPromptTokens(u);
  const thoughts = u.reasoningTokens;
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: candidates,
    totalTokenCount: prompt + candidates + thoughts,
    ...(u.cacheReadTokens > 0 ? { cachedContentTokenCount: u.cacheReadTokens } : {}),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
    ...(thoughts > 0 ? { thoughtsTokenCount: thoughts } : {}),
  };
}

/** A base64 (not base64url) opaque signature, as Google's: clients must echo it byte for byte. */
export function fakeThoughtSignature(): string {
  return `Ci${randomBytes(45).toString('base64')}`;
}

function functionCallParts(calls: readonly ToolCall[]): Part[] {
  return calls.map((call, i) => {
    const functionCall = {
      name: call.name,
      args: parseToolArguments(call.arguments),
      ...(call.id === undefined ? {} : { id: call.id }),
    };
    const signature =
      call.thoughtSignature === undefined
        ? i === 0
          ? fakeThoughtSignature()
          : undefined
        : (call.thoughtSignature ?? undefined);
    return signature === undefined ? { functionCall } : { functionCall, thoughtSignature: signature };
  });
}

function candidate(parts: Part[], last: boolean, finishMessage: string | undefined) {
  return {
    content: { parts, role: 'model' },
    ...(last ? { finishReason: 'STOP' } : {}),
    index: 0,
    ...(last && finishMessage !== undefined ? { finishMessage } : {}),
  };
}

/** The answer to a scenario, whole and as stream chunks (shared by the Gemini API and Code Assist). */
export function geminiAnswer(s: Scenario, u: Usage, model: string): GeminiAnswer {
  const modelVersion = model.startsWith('models/') ? model.slice('models/'.length) : model;
  const responseId = newId('');
  const calls = s.toolCalls ?? [];
  const callParts = functionCallParts(calls);
  const finishMessage = calls.length > 0 ? 'Model generated function call(s).' : undefined;
  const withText = calls.length === 0 || s.text !== undefined;
  const thought: Part[] = s.thoughtText === undefined ? [] : [{ text: s.thoughtText, thought: true }];
  const candidates = Math.max(0, u.outputTokens - u.reasoningTokens);
  const final = usageMetadata(u, candidates);
  const response = (parts: Part[], last: boolean, usage: Record<string, unknown>) => ({
    candidates: [candidate(parts, last, finishMessage)],
    usageMetadata: usage,
    modelVersion,
    responseId,
  });
  const whole = response(
    [...thought, ...(withText ? [{ text: answerText(s) }] : []), ...callParts],
    true,
    final,
  );
  // Streaming: the thought summary first (thinking is over before the answer starts, so its count is whole
  // from there on), then one chunk per text piece, then the function calls; candidates grow per chunk.
  const bodies: Part[][] = withText ? textPlan(s).pieces.map((text) => [{ text }]) : [];
  if (callParts.length > 0) bodies.push(callParts);
  const chunks: GeminiChunk[] = [];
  if (thought.length > 0) {
    const usage = usageMetadata(u, 0);
    chunks.push({ response: response(thought, false, usage), usage });
  }
  bodies.forEach((parts, i) => {
    const last = i === bodies.length - 1;
    const usage = last ? final : usageMetadata(u, Math.floor((candidates * (i + 1)) / bodies.length));
    chunks.push({ response: response(parts, last, usage), usage });
  });
  return { whole, chunks, usageMetadata: final };
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
