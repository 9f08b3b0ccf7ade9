// OpenAI shared pieces: bearer auth, request checks, error bodies, response headers, /v1/models.
import type { Exchange } from './exchange.js';
import {
  type ErrorBuilder,
  type Headers,
  headerValue,
  type JsonPlan,
  jsonPlan,
  newId,
  type Plan,
  scenarioOverride,
  successStatus,
} from './plan.js';
import { SSE_HEADERS } from './sse.js';

type ErrorSpec = readonly [type: string, code: string | null, message: string];

const ERRORS: Record<number, ErrorSpec> = {
  400: ['invalid_request_error', null, 'Invalid request.'],
  401: ['invalid_request_error', 'invalid_api_key', 'Incorrect API key provided.'],
  403: [
    'invalid_request_error',
    'unsupported_country_region_territory',
    'Country, region, or territory not supported',
  ],
  404: [
    'invalid_request_error',
    'model_not_found',
    'The model does not exist or you do not have access to it.',
  ],
  413: ['invalid_request_error', null, 'Request too large.'],
  429: ['requests', 'rate_limit_exceeded', 'Rate limit reached for requests. Please try again in 1s.'],
  500: ['server_error', null, 'The server had an error while processing your request. Sorry about that!'],
  503: ['server_error', null, 'The engine is currently overloaded, please try again later.'],
};

const STATIC_HEADERS: Headers = {
  'openai-version': '2020-10-01',
  'openai-processing-ms': '1',
  'x-ratelimit-limit-requests': '10000',
  'x-ratelimit-limit-tokens': '30000000',
  'x-ratelimit-remaining-requests': '9999',
  'x-ratelimit-remaining-tokens': '29999000',
  'x-ratelimit-reset-requests': '6ms',
  'x-ratelimit-reset-tokens': '2ms',
};

const RATE_LIMITED_HEADERS: Headers = {
  'retry-after': '1',
  'x-ratelimit-remaining-requests': '0',
  'x-ratelimit-reset-requests': '1s',
};

export function openaiHeaders(json: boolean): Headers {
  const base = json ? { 'content-type': 'application/json' } : SSE_HEADERS;
  return { ...base, 'x-request-id': newId('req_'), ...STATIC_HEADERS };
}

export function openaiErrorObject(status: number, type?: string, message?: string) {
  const [defaultType, code, defaultMessage] =
    ERRORS[status] ??
    (status >= 500
      ? ['server_error', null, 'Internal server error.']
      : ['invalid_request_error', null, 'Error.']);
  return { message: message ?? defaultMessage, type: type ?? defaultType, param: null, code };
}

export const openaiError: ErrorBuilder = (_ex, status, type, message) => {
  let headers = openaiHeaders(true);
  if (status === 429) headers = { ...headers, ...RATE_LIMITED_HEADERS };
  return jsonPlan(status, headers, { error: openaiErrorObject(status, type, message) });
};

type Checked = { plan: Plan } | { body: Record<string, unknown>; model: string };

/** Bearer auth (when a key is configured), then JSON body and `model` checks. */
export function checkOpenAI(ex: Exchange, needBody: boolean): Checked {
  const key = ex.options.apiKey;
  if (key !== undefined) {
    const auth = headerValue(ex.req.headers.authorization);
    if (auth === undefined) {
      const message =
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";
      return { plan: openaiError(ex, 401, 'invalid_request_error', message) };
    }
    if (auth !== `Bearer ${key}`) return { plan: openaiError(ex, 401) };
  }
  if (!needBody) return { body: {}, model: '' };
  const body = ex.body;
  if (body === undefined) {
    const message = ex.invalidJson
      ? "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)"
      : 'The request body must be a JSON object.';
    return { plan: openaiError(ex, 400, 'invalid_request_error', message) };
  }
  if (typeof body.model !== 'string') {
    return { plan: openaiError(ex, 400, 'invalid_request_error', 'you must provide a model parameter') };
  }
  return { body, model: body.model };
}

const MODELS = [
  ['gpt-4o', 1715367049],
  ['gpt-4o-mini', 1721172741],
  ['gpt-4.1', 1744316542],
  ['o3', 1744225308],
] as const;
const MODEL_OBJECTS = MODELS.map(([id, created]) => ({ id, object: 'model', created, owned_by: 'system' }));
const MODEL_LIST = JSON.stringify({ object: 'list', data: MODEL_OBJECTS });

export function openaiModels(ex: Exchange, modelId?: string): Plan {
  const checked = checkOpenAI(ex, false);
  if ('plan' in checked) return checked.plan;
  const override = scenarioOverride(ex, () => openaiHeaders(true), openaiError);
  if (override !== undefined) return override;
  const status = successStatus(ex);
  if (modelId === undefined) {
    const plan: JsonPlan = { kind: 'json', status, headers: openaiHeaders(true), body: MODEL_LIST };
    return plan;
  }
  const model = MODEL_OBJECTS.find((m) => m.id === modelId);
  if (model === undefined) {
    return openaiError(ex, 404, 'invalid_request_error', `The model '${modelId}' does not exist`);
  }
  return jsonPlan(status, openaiHeaders(true), model);
}
