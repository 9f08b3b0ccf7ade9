// Codex's ChatGPT backend: POST /backend-api/codex/responses, answering as /v1/responses does, for a ChatGPT
// sign-in rather than an API key.
//
// This mirrors what the Codex CLI sends there when signed in with a subscription: `authorization: Bearer
// <access token>` plus `chatgpt-account-id: <workspace>`. A missing or wrong token is refused with 401 and a
// missing or wrong workspace with 403, in OpenAI's error shape; answers carry Codex's own usage-window headers
// (`x-codex-primary-*`, `x-codex-secondary-*`) instead of the platform's `x-ratelimit-*`. One refusal of the real
// backend is kept, in its own `{detail}` shape: a top-level `max_output_tokens` is an unsupported parameter there
// (the backend manages the output budget itself; Codex never sends one). Nothing else of it (instruction
// checks, usage-limit bodies) is modelled.
import type { Exchange } from './exchange.js';
import { checkOpenAI, openaiErrorObject } from './openai-common.js';
import { type ResponsesSurface, responsesAnswer } from './openai-responses.js';
import {
  type ErrorBuilder,
  type Headers,
  headerValue,
  jsonPlan,
  newId,
  type Plan,
  unixSeconds,
} from './plan.js';
import { SSE_HEADERS } from './sse.js';

const PRIMARY_RESET_SECONDS = 3 * 3600;
const SECONDARY_RESET_SECONDS = 4 * 86_400;

/**
 * The 5-hour and weekly windows of a ChatGPT plan: percentage used, window length in minutes, and the reset both
 * as seconds from now and as a unix time (Codex reads either). `usedPercent` is the primary window's.
 */
function codexHeaders(json: boolean, usedPercent = 7, resetAfterSeconds = PRIMARY_RESET_SECONDS): Headers {
  const now = unixSeconds();
  return {
    ...(json ? { 'content-type': 'application/json' } : SSE_HEADERS),
    'x-request-id': newId('req_'),
    'x-codex-primary-used-percent': String(usedPercent),
    'x-codex-primary-window-minutes': '300',
    'x-codex-primary-reset-after-seconds': String(resetAfterSeconds),
    'x-codex-primary-reset-at': String(now + resetAfterSeconds),
    'x-codex-secondary-used-percent': '21',
    'x-codex-secondary-window-minutes': '10080',
    'x-codex-secondary-reset-after-seconds': String(SECONDARY_RESET_SECONDS),
    'x-codex-secondary-reset-at': String(now + SECONDARY_RESET_SECONDS),
  };
}

/** A 429 here means the plan's 5-hour window is used up; it is short on purpose (tests must not sleep long). */
const codexError: ErrorBuilder = (_ex, status, type, message) => {
  const headers = status === 429 ? { ...codexHeaders(true, 100, 1), 'retry-after': '1' } : codexHeaders(true);
  return jsonPlan(status, headers, { error: openaiErrorObject(status, type, message) });
};

const CODEX: ResponsesSurface = { headers: codexHeaders, error: codexError };

export function codexResponses(ex: Exchange): Plan {
  const auth = headerValue(ex.req.headers.authorization);
  const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
  if (token === undefined || token === '') {
    return codexError(ex, 401, 'invalid_request_error', 'Missing bearer authentication in header');
  }
  if (ex.options.apiKey !== undefined && token !== ex.options.apiKey) {
    return codexError(ex, 401, 'invalid_request_error', 'Your authentication token is not valid.');
  }
  const workspace = headerValue(ex.req.headers['chatgpt-account-id']);
  const expected = ex.options.chatgptAccountId;
  if (workspace === undefined || workspace === '' || (expected !== undefined && workspace !== expected)) {
    return codexError(
      ex,
      403,
      'invalid_request_error',
      'The chatgpt-account-id header must name a workspace this token belongs to.',
    );
  }
  // The token was checked above; the body checks are the platform API's.
  const checked = checkOpenAI(ex, true);
  if ('plan' in checked) return checked.plan;
  if (Object.hasOwn(checked.body, 'max_output_tokens')) {
    return jsonPlan(400, codexHeaders(true), { detail: 'Unsupported parameter: max_output_tokens' });
  }
  return responsesAnswer(ex, checked.body, checked.model, CODEX);
}
