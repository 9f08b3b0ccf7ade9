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
// Error bodies are JSON arrays (`[{"error": {...}}]`) on streamGenerateContent, as Google sends them for streaming
// methods, and plain objects on the unary methods.
import { randomBytes } from 'node:crypto';
import type { Exchange } from './exchange.js';
import { geminiAnswer, geminiErrorObject } from './gemini.js';
import {
  type ErrorBuilder,
  type Frame,
  type Headers,
  headerValue,
  jsonPlan,
  newId,
  type Plan,
  scenarioOverride,
  stringField,
  successStatus,
} from './plan.js';
import type { Route } from './router.js';
import { resolveUsage, totalPromptTokens } from './scenario.js';
import { crlfDataFrame } from './sse.js';
import type {
  CodeAssistMethod,
  CodeAssistSetupMethod,
  CodeAssistTierState,
  FakeCodeAssist,
  Scenario,
  StartFakeUpstreamOptions,
} from './types.js';

export const DEFAULT_CODE_ASSIST_PROJECT = 'fake-project-123';

const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';
const DOMAIN = 'cloudcode-pa.googleapis.com';
const FREE_TIER = {
  id: 'free-tier',
  name: 'Gemini Code Assist for individuals',
  description:
    'Gemini Code Assist for individuals is a free, AI-powered coding assistant for individual developers.',
  userDefinedCloudaicompanionProject: false,
};
const INVALID_CREDENTIALS =
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
const MISSING_CREDENTIALS =
  'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

const JSON_HEADERS: Headers = {
  'content-type': 'application/json; charset=UTF-8',
  vary: 'Origin, X-Origin, Referer',
  server: 'ESF',
  'x-xss-protection': '0',
  'x-frame-options': 'SAMEORIGIN',
  'x-content-type-options': 'nosniff',
};
const SSE_STREAM_HEADERS: Headers = { ...JSON_HEADERS, 'content-type': 'text/event-stream' };

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

interface Operation {
  name: string;
  /** Polls still answered `done: false`. */
  pollsLeft: number;
}

const NO_SCENARIO: Scenario = Object.freeze({});

function zeroCalls(): Record<CodeAssistMethod, number> {
  return {
    generateContent: 0,
    streamGenerateContent: 0,
    countTokens: 0,
    loadCodeAssist: 0,
    onboardUser: 0,
    getOperation: 0,
    retrieveUserQuota: 0,
    listExperiments: 0,
    getCodeAssistGlobalUserSetting: 0,
    setCodeAssistGlobalUserSetting: 0,
    recordCodeAssistMetrics: 0,
  };
}

/** One fake upstream's Code Assist account. */
export class CodeAssistAccount implements FakeCodeAssist {
  project: string;
  state: CodeAssistTierState;
  onboardPendingPolls = 0;
  readonly calls = zeroCalls();
  /** The onboarding operation, once onboardUser started one. */
  operation: Operation | undefined;
  private readonly queues = new Map<CodeAssistSetupMethod, Scenario[]>();

  constructor(private readonly options: StartFakeUpstreamOptions) {
    this.project = options.codeAssistProject ?? DEFAULT_CODE_ASSIST_PROJECT;
    this.state = options.codeAssistState ?? 'onboarded';
  }

  enqueue(method: CodeAssistSetupMethod, ...scenarios: Scenario[]): void {
    const queue = this.queues.get(method) ?? [];
    queue.push(...scenarios);
    this.queues.set(method, queue);
  }

  nextScenario(method: CodeAssistSetupMethod): Scenario {
    return this.queues.get(method)?.shift() ?? NO_SCENARIO;
  }

  /** Back to the options: state, project, counters, queues and the operation. */
  reset(): void {
    this.project = this.options.codeAssistProject ?? DEFAULT_CODE_ASSIST_PROJECT;
    this.state = this.options.codeAssistState ?? 'onboarded';
    this.onboardPendingPolls = 0;
    Object.assign(this.calls, zeroCalls());
    this.operation = undefined;
    this.queues.clear();
  }
}

const accounts = new WeakMap<StartFakeUpstreamOptions, CodeAssistAccount>();

/** The Code Assist account of the fake upstream started with these (its own copy of the) options. */
export function codeAssistAccount(options: StartFakeUpstreamOptions): CodeAssistAccount {
  let account = accounts.get(options);
  if (account === undefined) {
    account = new CodeAssistAccount(options);
    accounts.set(options, account);
  }
  return account;
}

// --- errors ---

type ErrorObject = Record<string, unknown>;

/** Streaming methods answer errors as a JSON array of one error, unary ones as the object. */
function errorPlan(method: CodeAssistMethod, status: number, error: ErrorObject, extra?: Headers): Plan {
  const headers = extra === undefined ? JSON_HEADERS : { ...JSON_HEADERS, ...extra };
  return jsonPlan(status, headers, method === 'streamGenerateContent' ? [{ error }] : { error });
}

/** Go-style duration, as Google writes it in quota messages: `1s`, `10m0s`, `9h22m20s`. */
function duration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** Seconds until the next midnight in America/Los_Angeles, when Google's daily quotas reset. */
function secondsToPacificMidnight(now = new Date()): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/Los_Angeles',
    hourCycle: 'h23',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(now);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return 86_400 - (part('hour') * 3600 + part('minute') * 60 + part('second'));
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Code Assist's 429 (gemini-cli utils/googleQuotaErrors.test.ts shows the real bodies). */
function quotaError(ex: Exchange, type?: string, message?: string): ErrorObject {
  const s = ex.scenario;
  const model = stringField(ex.body, 'model') ?? 'gemini-2.5-pro';
  const reason = s.quotaReason ?? 'RATE_LIMIT_EXCEEDED';
  const status = type ?? 'RESOURCE_EXHAUSTED';
  if (reason === 'MODEL_CAPACITY_EXHAUSTED') {
    return {
      code: 429,
      message: message ?? `No capacity available for model ${model} on the server`,
      status,
      details: [{ '@type': ERROR_INFO, reason, domain: DOMAIN, metadata: { model } }],
    };
  }
  const seconds = s.retryDelaySeconds ?? (reason === 'QUOTA_EXHAUSTED' ? secondsToPacificMidnight() : 1);
  const delay = `${seconds}s`;
  return {
    code: 429,
    message:
      message ??
      `You have exhausted your capacity on this model. Your quota will reset after ${duration(seconds)}.`,
    status,
    details: [
      {
        '@type': ERROR_INFO,
        reason,
        domain: DOMAIN,
        metadata: {
          quotaResetTimeStamp: isoSeconds(Date.now() + seconds * 1000),
          quotaResetDelay: delay,
          uiMessage: 'true',
          model,
        },
      },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: delay },
    ],
  };
}

/** Google's 403 body (with the legacy `errors` list it still carries). */
function forbidden(message: string, details?: unknown[]): ErrorObject {
  return {
    code: 403,
    message,
    errors: [{ message, domain: 'global', reason: 'forbidden' }],
    status: 'PERMISSION_DENIED',
    ...(details === undefined ? {} : { details }),
  };
}

/** What Google answers for a project the caller may not use (or that does not exist). */
function projectDenied(project: string): ErrorObject {
  const permission = 'cloudaicompanion.companions.generateChat';
  const resource = `projects/${project}/locations/global`;
  return forbidden(
    `Permission '${permission}' denied on resource '//cloudaicompanion.googleapis.com/${resource}' (or it may not exist).`,
    [
      {
        '@type': ERROR_INFO,
        reason: 'IAM_PERMISSION_DENIED',
        domain: 'cloudaicompanion.googleapis.com',
        metadata: { resource, permission },
      },
    ],
  );
}

function unauthenticated(method: CodeAssistMethod, missing: boolean, message?: string): Plan {
  const error: ErrorObject = missing
    ? {
        code: 401,
        message: message ?? MISSING_CREDENTIALS,
        status: 'UNAUTHENTICATED',
        details: [
          {
            '@type': ERROR_INFO,
            reason: 'CREDENTIALS_MISSING',
            domain: 'googleapis.com',
            metadata: {
              service: DOMAIN,
              method: `google.internal.cloud.code.v1internal.CloudCode.${method[0]?.toUpperCase()}${method.slice(1)}`,
            },
          },
        ],
      }
    : { code: 401, message: message ?? INVALID_CREDENTIALS, status: 'UNAUTHENTICATED' };
  const challenge = missing
    ? 'Bearer realm="https://accounts.google.com/"'
    : 'Bearer realm="https://accounts.google.com/", error="invalid_token"';
  return errorPlan(method, 401, error, { 'www-authenticate': challenge });
}

function codeAssistError(method: CodeAssistMethod): ErrorBuilder {
  return (ex, status, type, message) => {
    if (status === 429) return errorPlan(method, 429, quotaError(ex, type, message));
    if (status === 401) return unauthenticated(method, false, message);
    if (status === 403) {
      const error = forbidden(message ?? 'The caller does not have permission');
      return errorPlan(method, 403, type === undefined ? error : { ...error, status: type });
    }
    return errorPlan(method, status, geminiErrorObject(status, type, message));
  };
}

function invalidArgument(method: CodeAssistMethod, message = 'Request contains an invalid argument.'): Plan {
  return errorPlan(method, 400, { code: 400, message, status: 'INVALID_ARGUMENT' });
}

function checkAuth(ex: Exchange, method: CodeAssistMethod): Plan | undefined {
  const auth = headerValue(ex.req.headers.authorization);
  if (auth === undefined || auth.trim() === '') return unauthenticated(method, true);
  const match = /^Bearer\s+(\S+)$/i.exec(auth.trim());
  const token = match?.[1];
  const expected = ex.options.googleAccessToken;
  const ok =
    token !== undefined &&
    (expected === undefined || (typeof expected === 'string' ? token === expected : expected(token)));
  return ok ? undefined : unauthenticated(method, false);
}

/** The JSON object body, or the 400 Google sends for a missing / unparsable one. */
function checkBody(ex: Exchange, method: CodeAssistMethod): Plan | undefined {
  if (ex.body !== undefined) return undefined;
  return invalidArgument(
    method,
    ex.invalidJson
      ? 'Invalid JSON payload received. Unexpected token.'
      : 'Request contains an invalid argument.',
  );
}

function objectField(
  body: Record<string, unknown> | undefined,
  key: string,
): Record<string, unknown> | undefined {
  const value = body?.[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function hasContents(request: Record<string, unknown> | undefined): boolean {
  const contents = request?.contents;
  return Array.isArray(contents) && contents.length > 0;
}

// --- generate ---

function generate(ex: Exchange, method: 'generateContent' | 'streamGenerateContent'): Plan {
  const account = codeAssistAccount(ex.options);
  const error = codeAssistError(method);
  const early = checkAuth(ex, method) ?? checkBody(ex, method);
  if (early !== undefined) return early;
  const body = ex.body ?? {};
  const model = stringField(body, 'model');
  if (model === undefined || model === '') return invalidArgument(method);
  const project = stringField(body, 'project');
  if (project === undefined || project === '') {
    return errorPlan(method, 403, forbidden('The caller does not have permission'));
  }
  if (account.state !== 'onboarded' || project !== account.project) {
    return errorPlan(method, 403, projectDenied(project));
  }
  if (model.includes('/')) {
    return errorPlan(method, 404, {
      code: 404,
      message: 'Requested entity was not found.',
      status: 'NOT_FOUND',
    });
  }
  const request = objectField(body, 'request');
  if (!hasContents(request)) {
    return invalidArgument(method, '* GenerateContentRequest.contents: contents is not specified\n');
  }
  const override = scenarioOverride(ex, () => JSON_HEADERS, error);
  if (override !== undefined) return override;
  const s = ex.scenario;
  const answer = geminiAnswer(s, resolveUsage(s, ex.record.body.length), model);
  const traceId = randomBytes(8).toString('hex');
  const wrap = (response: unknown) => ({ response, traceId });
  const status = successStatus(ex);
  if (method === 'generateContent') {
    return jsonPlan(status, JSON_HEADERS, wrap(answer.whole), answer.usageMetadata);
  }
  const sse = ex.record.query.get('alt') === 'sse';
  const frames: Frame[] = answer.chunks.map(({ response, usage }, i) => ({
    data: sse ? crlfDataFrame(wrap(response)) : `${i === 0 ? '[' : ',\r\n'}${JSON.stringify(wrap(response))}`,
    usage,
  }));
  const inStream = { error: geminiErrorObject(500, s.errorType, s.errorMessage) };
  const errorFrame = (index: number): string =>
    sse ? crlfDataFrame(inStream) : `${index === 0 ? '[' : ',\r\n'}${JSON.stringify(inStream)}`;
  const headers = sse ? SSE_STREAM_HEADERS : JSON_HEADERS;
  return { kind: 'stream', status, headers, frames, errorFrame, trailer: sse ? '' : ']' };
}

function countTokens(ex: Exchange): Plan {
  const method = 'countTokens';
  const early = checkAuth(ex, method) ?? checkBody(ex, method);
  if (early !== undefined) return early;
  const request = objectField(ex.body, 'request');
  const model = stringField(request, 'model');
  if (model === undefined || model === '' || !hasContents(request)) return invalidArgument(method);
  const override = scenarioOverride(ex, () => JSON_HEADERS, codeAssistError(method));
  if (override !== undefined) return override;
  const result = { totalTokens: totalPromptTokens(resolveUsage(ex.scenario, ex.record.body.length)) };
  return jsonPlan(successStatus(ex), JSON_HEADERS, result, result);
}

// --- set-up methods ---

function onboardedProject(account: CodeAssistAccount) {
  return { id: account.project, name: account.project };
}

function loadCodeAssist(ex: Exchange, account: CodeAssistAccount): Plan {
  const allowedTiers = [{ ...FREE_TIER, isDefault: true }];
  if (account.state === 'onboarded') {
    return jsonPlan(successStatus(ex), JSON_HEADERS, {
      currentTier: { ...FREE_TIER, hasOnboardedPreviously: true },
      allowedTiers,
      cloudaicompanionProject: account.project,
      gcpManaged: false,
    });
  }
  return jsonPlan(successStatus(ex), JSON_HEADERS, { allowedTiers, gcpManaged: false });
}

function operationAnswer(account: CodeAssistAccount, operation: Operation): Record<string, unknown> {
  if (operation.pollsLeft > 0) return { name: operation.name, done: false };
  account.state = 'onboarded';
  return {
    name: operation.name,
    done: true,
    response: {
      '@type': 'type.googleapis.com/google.internal.cloud.code.v1internal.OnboardUserResponse',
      cloudaicompanionProject: onboardedProject(account),
    },
  };
}

/** A poll of the operation (GET, or onboardUser again): counts down, then completes it. */
function poll(account: CodeAssistAccount, operation: Operation): Record<string, unknown> {
  const answer = operationAnswer(account, operation);
  if (operation.pollsLeft > 0) operation.pollsLeft--;
  return answer;
}

function onboardUser(ex: Exchange, account: CodeAssistAccount): Plan {
  const method = 'onboardUser';
  const body = ex.body ?? {};
  const tierId = stringField(body, 'tierId');
  if (tierId !== FREE_TIER.id) {
    return invalidArgument(method, tierId === undefined ? 'tierId is required.' : `Invalid tier: ${tierId}`);
  }
  // Free-tier projects are Google-managed: naming one is refused (gemini-cli code_assist/setup.ts).
  if (body.cloudaicompanionProject !== undefined) {
    return errorPlan(method, 400, {
      code: 400,
      message: 'Precondition Failed',
      status: 'FAILED_PRECONDITION',
    });
  }
  const status = successStatus(ex);
  if (account.state === 'onboarded' && account.operation === undefined) {
    account.operation = { name: `operations/${newId('onboard-')}`, pollsLeft: 0 };
    return jsonPlan(status, JSON_HEADERS, operationAnswer(account, account.operation));
  }
  if (account.operation !== undefined)
    return jsonPlan(status, JSON_HEADERS, poll(account, account.operation));
  account.operation = { name: `operations/${newId('onboard-')}`, pollsLeft: account.onboardPendingPolls };
  return jsonPlan(status, JSON_HEADERS, { name: account.operation.name, done: false });
}

function getOperation(ex: Exchange, account: CodeAssistAccount, name: string): Plan {
  const operation = account.operation;
  if (operation === undefined || operation.name !== name) {
    return errorPlan('getOperation', 404, {
      code: 404,
      message: 'Requested entity was not found.',
      status: 'NOT_FOUND',
    });
  }
  return jsonPlan(successStatus(ex), JSON_HEADERS, poll(account, operation));
}

function retrieveUserQuota(ex: Exchange, account: CodeAssistAccount): Plan {
  const project = stringField(ex.body, 'project') ?? '';
  if (account.state !== 'onboarded' || project !== account.project) {
    return errorPlan('retrieveUserQuota', 403, projectDenied(project));
  }
  const resetTime = isoSeconds(Date.now() + secondsToPacificMidnight() * 1000);
  const bucket = (modelId: string) => ({ modelId, tokenType: 'REQUESTS', remainingFraction: 1, resetTime });
  return jsonPlan(successStatus(ex), JSON_HEADERS, {
    buckets: [bucket('gemini-2.5-pro'), bucket('gemini-2.5-flash')],
  });
}

function setup(ex: Exchange, method: CodeAssistSetupMethod, operationName: string | undefined): Plan {
  const account = codeAssistAccount(ex.options);
  const early =
    checkAuth(ex, method) ??
    (method === 'getOperation' || method === 'getCodeAssistGlobalUserSetting'
      ? undefined
      : checkBody(ex, method)) ??
    scenarioOverride(ex, () => JSON_HEADERS, codeAssistError(method));
  if (early !== undefined) return early;
  const status = successStatus(ex);
  switch (method) {
    case 'loadCodeAssist':
      return loadCodeAssist(ex, account);
    case 'onboardUser':
      return onboardUser(ex, account);
    case 'getOperation':
      return getOperation(ex, account, operationName ?? '');
    case 'retrieveUserQuota':
      return retrieveUserQuota(ex, account);
    case 'listExperiments':
      return jsonPlan(status, JSON_HEADERS, { experimentIds: [], flags: [] });
    case 'getCodeAssistGlobalUserSetting':
      return jsonPlan(status, JSON_HEADERS, {
        cloudaicompanionProject: account.project,
        freeTierDataCollectionOptin: true,
      });
    case 'setCodeAssistGlobalUserSetting':
      return jsonPlan(status, JSON_HEADERS, ex.body ?? {});
    case 'recordCodeAssistMetrics':
      return jsonPlan(status, JSON_HEADERS, {});
  }
}

// --- routing ---

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
