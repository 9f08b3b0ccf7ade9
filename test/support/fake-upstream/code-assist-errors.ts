// Code Assist's error answers as Google sends them (401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 429 with ErrorInfo
// and RetryInfo, 400 INVALID_ARGUMENT), its response headers, and the auth and body checks every method runs first.
//
// Error bodies are JSON arrays (`[{"error": {...}}]`) on streamGenerateContent, as Google sends them for streaming
// methods, and plain objects on the unary methods.
import type { Exchange } from './exchange.js';
import { geminiErrorObject } from './gemini.js';
import { type ErrorBuilder, type Headers, headerValue, jsonPlan, type Plan, stringField } from './plan.js';
import type { CodeAssistMethod } from './types.js';

export const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';
const DOMAIN = 'cloudcode-pa.googleapis.com';
const INVALID_CREDENTIALS =
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
const MISSING_CREDENTIALS =
  'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

export const JSON_HEADERS: Headers = {
  'content-type': 'application/json; charset=UTF-8',
  vary: 'Origin, X-Origin, Referer',
  server: 'ESF',
  'x-xss-protection': '0',
  'x-frame-options': 'SAMEORIGIN',
  'x-content-type-options': 'nosniff',
};

export type ErrorObject = Record<string, unknown>;

/** Streaming methods answer errors as a JSON array of one error, unary ones as the object. */
export function errorPlan(
  method: CodeAssistMethod,
  status: number,
  error: ErrorObject,
  extra?: Headers,
): Plan {
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
export function secondsToPacificMidnight(now = new Date()): number {
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

export function isoSeconds(ms: number): string {
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
export function forbidden(message: string, details?: unknown[]): ErrorObject {
  return {
    code: 403,
    message,
    errors: [{ message, domain: 'global', reason: 'forbidden' }],
    status: 'PERMISSION_DENIED',
    ...(details === undefined ? {} : { details }),
  };
}

/** What Google answers for a project the caller may not use (or that does not exist). */
export function projectDenied(project: string): ErrorObject {
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

export function codeAssistError(method: CodeAssistMethod): ErrorBuilder {
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

export function invalidArgument(
  method: CodeAssistMethod,
  message = 'Request contains an invalid argument.',
): Plan {
  return errorPlan(method, 400, { code: 400, message, status: 'INVALID_ARGUMENT' });
}

export function checkAuth(ex: Exchange, method: CodeAssistMethod): Plan | undefined {
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
export function checkBody(ex: Exchange, method: CodeAssistMethod): Plan | undefined {
  if (ex.body !== undefined) return undefined;
  return invalidArgument(
    method,
    ex.invalidJson
      ? 'Invalid JSON payload received. Unexpected token.'
      : 'Request contains an invalid argument.',
  );
}
