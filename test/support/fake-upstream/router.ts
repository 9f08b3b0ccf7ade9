// Maps method + path (+ auth headers for the shared /v1/models) to a provider handler.
import type { IncomingHttpHeaders } from 'node:http';
import {
  anthropicCountTokens,
  anthropicError,
  anthropicMessages,
  anthropicModels,
  anthropicNotFound,
} from './anthropic.js';
import { codeAssistRoute } from './code-assist.js';
import { codexResponses } from './codex-backend.js';
import type { Exchange } from './exchange.js';
import { factoryRoute } from './factory.js';
import { type GeminiMethod, geminiError, geminiGenerate, geminiModels } from './gemini.js';
import { openaiChat } from './openai-chat.js';
import { openaiError, openaiModels } from './openai-common.js';
import { openaiResponses } from './openai-responses.js';
import type { ErrorBuilder, Plan } from './plan.js';
import type { Scenario } from './types.js';

export interface Route {
  /** Error shape used when the request fails before the handler runs (body too large). */
  error: ErrorBuilder;
  handle: (ex: Exchange) => Plan;
  /** Where this request's scenario comes from when not the shared queue (Code Assist's set-up methods). */
  scenario?: (ex: Exchange) => Scenario;
}

const NOT_FOUND: Route = { error: anthropicError, handle: anthropicNotFound };
const MESSAGES: Route = { error: anthropicError, handle: anthropicMessages };
const COUNT_TOKENS: Route = { error: anthropicError, handle: anthropicCountTokens };
const CHAT: Route = { error: openaiError, handle: openaiChat };
const RESPONSES: Route = { error: openaiError, handle: openaiResponses };
const CODEX_RESPONSES: Route = { error: openaiError, handle: codexResponses };
const GEMINI_PATH =
  /^\/(?:v1|v1beta|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;
const MODELS_PATH = /^\/(v1|v1beta|v1alpha)\/models(?:\/([^/:]+))?$/;

type Provider = 'anthropic' | 'openai' | 'gemini';

/** `/v1/models` is shared by all three providers: tell them apart by their auth headers. */
function modelsProvider(version: string, headers: IncomingHttpHeaders, query: URLSearchParams): Provider {
  if (version !== 'v1' || headers['x-goog-api-key'] !== undefined || query.has('key')) return 'gemini';
  if (headers['anthropic-version'] !== undefined || headers['x-api-key'] !== undefined) return 'anthropic';
  return 'openai';
}

function decodePath(path: string): string {
  if (!path.includes('%')) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

export function route(
  method: string,
  rawPath: string,
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
): Route {
  const path = decodePath(rawPath);
  if (method === 'POST') {
    const factory = factoryRoute(path);
    if (factory !== undefined) return factory;
    switch (path) {
      case '/v1/messages':
        return MESSAGES;
      case '/v1/messages/count_tokens':
        return COUNT_TOKENS;
      case '/v1/chat/completions':
        return CHAT;
      case '/v1/responses':
        return RESPONSES;
      case '/backend-api/codex/responses':
        return CODEX_RESPONSES;
    }
    const gemini = GEMINI_PATH.exec(path);
    if (gemini !== null) {
      const model = gemini[1] ?? '';
      const geminiMethod = (gemini[2] ?? 'generateContent') as GeminiMethod;
      return { error: geminiError, handle: (ex) => geminiGenerate(ex, model, geminiMethod) };
    }
    return codeAssistRoute(method, path) ?? NOT_FOUND;
  }
  if (method === 'GET') {
    const codeAssist = codeAssistRoute(method, path);
    if (codeAssist !== undefined) return codeAssist;
    const models = MODELS_PATH.exec(path);
    if (models === null) return NOT_FOUND;
    const id = models[2];
    switch (modelsProvider(models[1] ?? '', headers, query)) {
      case 'gemini':
        return { error: geminiError, handle: (ex) => geminiModels(ex, id) };
      case 'anthropic':
        return { error: anthropicError, handle: (ex) => anthropicModels(ex, id) };
      default:
        return { error: openaiError, handle: (ex) => openaiModels(ex, id) };
    }
  }
  return NOT_FOUND;
}
