// Factory's LLM gateway (api.factory.ai/api/llm), the Droid CLI's backend, as the old relay calls it: Anthropic
// Messages at `/api/llm/a/v1/messages`, OpenAI Responses at `/api/llm/o/v1/responses` and Chat Completions at
// `/api/llm/o/v1/chat/completions`. Each speaks its vendor's own format, so after Factory's checks the request is
// answered by that vendor's fake (scenarios, usage, streams and faults as there):
// - `Authorization: Bearer <credential>`: a Factory API key or a WorkOS access token, checked against
//   `options.factoryToken` (a value or a check, e.g. the fake WorkOS's `isLiveAccessToken`; then leave `apiKey`
//   unset, which the vendor fakes would check again), else `options.apiKey`; unset, any non-empty one. Missing or
//   refused: 401 in the endpoint's vendor shape.
// - `x-factory-client: cli` and an `x-api-provider` that fits the endpoint (`anthropic` for /a; `azure_openai` or
//   `openai` for Responses; a known vendor for Chat Completions), else 400 naming the header.
import { anthropicError, anthropicMessages } from './anthropic.js';
import type { Exchange } from './exchange.js';
import { openaiChat } from './openai-chat.js';
import { openaiError } from './openai-common.js';
import { openaiResponses } from './openai-responses.js';
import { type ErrorBuilder, headerValue, type Plan } from './plan.js';
import type { Route } from './router.js';

interface Endpoint {
  error: ErrorBuilder;
  answer: (ex: Exchange) => Plan;
  /** The `x-api-provider` values this endpoint routes. */
  vendors: readonly string[];
}

const ENDPOINTS: Readonly<Record<string, Endpoint>> = {
  '/api/llm/a/v1/messages': { error: anthropicError, answer: anthropicMessages, vendors: ['anthropic'] },
  '/api/llm/o/v1/responses': {
    error: openaiError,
    answer: openaiResponses,
    vendors: ['azure_openai', 'openai'],
  },
  '/api/llm/o/v1/chat/completions': {
    error: openaiError,
    answer: openaiChat,
    vendors: ['anthropic', 'azure_openai', 'openai', 'google', 'fireworks', 'baseten'],
  },
};

/** The route of a Factory gateway path, or undefined for any other path. */
export function factoryRoute(path: string): Route | undefined {
  const endpoint = ENDPOINTS[path];
  if (endpoint === undefined) return undefined;
  return { error: endpoint.error, handle: (ex) => checkFactory(ex, endpoint) ?? endpoint.answer(ex) };
}

function checkFactory(ex: Exchange, endpoint: Endpoint): Plan | undefined {
  const auth = headerValue(ex.req.headers.authorization);
  const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : '';
  if (token === '') return endpoint.error(ex, 401, 'authentication_error', 'Missing bearer token');
  if (!accepted(ex, token))
    return endpoint.error(ex, 401, 'authentication_error', 'Invalid or expired token');
  if (headerValue(ex.req.headers['x-factory-client']) !== 'cli') {
    return endpoint.error(ex, 400, 'invalid_request_error', 'x-factory-client: must be cli');
  }
  const vendor = headerValue(ex.req.headers['x-api-provider']) ?? '';
  if (!endpoint.vendors.includes(vendor)) {
    return endpoint.error(
      ex,
      400,
      'invalid_request_error',
      `x-api-provider: ${vendor || 'missing'} is not served here`,
    );
  }
  return undefined;
}

function accepted(ex: Exchange, token: string): boolean {
  const { factoryToken, apiKey } = ex.options;
  if (typeof factoryToken === 'function') return factoryToken(token);
  if (factoryToken !== undefined) return token === factoryToken;
  return apiKey === undefined || token === apiKey;
}
