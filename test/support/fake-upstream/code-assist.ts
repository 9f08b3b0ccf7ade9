// Code Assist API (cloudcode-pa.googleapis.com/v1internal), the backend of Gemini CLI's "Login with Google", as the
// CLI calls it on CODE_ASSIST_ENDPOINT (test/fixtures/gemini/code-assist-*): `POST /v1internal:<method>` and
// `GET /v1internal/operations/<id>`, under any path prefix.
//
// - Auth: `Authorization: Bearer <OAuth access token>` (options.googleAccessToken), else 401 UNAUTHENTICATED.
// - generateContent / streamGenerateContent: `{model: <bare id>, project, user_prompt_id, request: <public
//   GenerateContentRequest>}`; the project must be the account's (403 IAM_PERMISSION_DENIED otherwise, as Google
//   answers for a project that is not yours); the answer is the Gemini API's (gemini.ts's generator) wrapped as
//   `{response, traceId}`, per SSE frame for streams. Scenarios come from the shared queue, as for every other
//   provider; a 429 is Code Assist's (ErrorInfo RATE_LIMIT_EXCEEDED / QUOTA_EXHAUSTED / MODEL_CAPACITY_EXHAUSTED
//   with metadata.model and quotaResetDelay, plus RetryInfo).
// - countTokens: `{request: {model: "models/<id>", contents}}` → `{totalTokens}`.
// - loadCodeAssist / onboardUser / operations: the account is `onboarded` or `needs-onboarding`; onboarding the
//   free tier (no project: Google assigns one) is a long-running operation that the first poll completes.
// - retrieveUserQuota, listExperiments, get/setCodeAssistGlobalUserSetting, recordCodeAssistMetrics: the shapes
//   Gemini CLI was seen to accept.
// These set-up methods take scenarios from `codeAssist.enqueue(method, ...)`, never from the shared queue, so a
// client's discovery calls do not eat the scenarios meant for its generate calls.
//
// The parts: code-assist-account.ts (the account and its counters), code-assist-errors.ts (error bodies and request
// checks), code-assist-generate.ts (generate and countTokens), code-assist-setup.ts (the set-up methods); this file
// routes `/v1internal` paths to them.
import { codeAssistAccount, NO_SCENARIO } from './code-assist-account.js';
import { codeAssistError, errorPlan } from './code-assist-errors.js';
import { countTokens, generate } from './code-assist-generate.js';
import { setup } from './code-assist-setup.js';
import type { Exchange } from './exchange.js';
import type { Route } from './router.js';
import type { CodeAssistMethod, CodeAssistSetupMethod } from './types.js';

export { CodeAssistAccount, codeAssistAccount, DEFAULT_CODE_ASSIST_PROJECT } from './code-assist-account.js';

const SETUP_METHODS: readonly CodeAssistSetupMethod[] = [
  'loadCodeAssist',
  'onboardUser',
  'getOperation',
  'retrieveUserQuota',
  'listExperiments',
  'getCodeAssistGlobalUserSetting',
  'setCodeAssistGlobalUserSetting',
  'recordCodeAssistMetrics',
];
const POST_METHODS: readonly CodeAssistMethod[] = [
  'generateContent',
  'streamGenerateContent',
  'countTokens',
  'loadCodeAssist',
  'onboardUser',
  'retrieveUserQuota',
  'listExperiments',
  'setCodeAssistGlobalUserSetting',
  'recordCodeAssistMetrics',
];

const METHOD_PATH = /^(?:\/.*)?\/v1internal:([A-Za-z]+)$/;
const OPERATION_PATH = /^(?:\/.*)?\/v1internal\/(operations\/[^/]+)$/;

const NOT_FOUND: Route = {
  error: codeAssistError('generateContent'),
  handle: () =>
    errorPlan('generateContent', 404, { code: 404, message: 'Method not found.', status: 'NOT_FOUND' }),
  scenario: () => NO_SCENARIO,
};

function isSetup(method: CodeAssistMethod): method is CodeAssistSetupMethod {
  return (SETUP_METHODS as readonly string[]).includes(method);
}

function methodRoute(method: CodeAssistMethod, operationName?: string): Route {
  const counted = (ex: Exchange) => {
    codeAssistAccount(ex.options).calls[method]++;
  };
  if (isSetup(method)) {
    return {
      error: codeAssistError(method),
      handle: (ex) => {
        counted(ex);
        return setup(ex, method, operationName);
      },
      scenario: (ex) => codeAssistAccount(ex.options).nextScenario(method),
    };
  }
  return {
    error: codeAssistError(method),
    handle: (ex) => {
      counted(ex);
      return method === 'countTokens' ? countTokens(ex) : generate(ex, method);
    },
  };
}

/** The route of a `/v1internal` path, or undefined when the path is not Code Assist's. */
export function codeAssistRoute(httpMethod: string, path: string): Route | undefined {
  if (httpMethod === 'GET') {
    const operation = OPERATION_PATH.exec(path);
    if (operation !== null) return methodRoute('getOperation', operation[1]);
  }
  const named = METHOD_PATH.exec(path);
  if (named === null) return path.includes('/v1internal') ? NOT_FOUND : undefined;
  const method = named[1] ?? '';
  if (httpMethod === 'GET' && method === 'getCodeAssistGlobalUserSetting') return methodRoute(method);
  if (httpMethod === 'POST' && (POST_METHODS as readonly string[]).includes(method)) {
    return methodRoute(method as CodeAssistMethod);
  }
  return NOT_FOUND;
}
