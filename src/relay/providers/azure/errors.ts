// Azure OpenAI's error answers: OpenAI's shape `{error:{message,type,param,code}}`, with Azure's `innererror`
// beside it. A content-filter refusal (400 `content_filter`, inner `ResponsibleAIPolicyViolation` with the
// categories that tripped) is the request's fault, not the account's: account-signals blames a 400 on the account
// only when it speaks of credit, billing or quota.
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../../../errors/app-error.js';
import { upstreamHttpError } from '../../exchange/upstream-error-body.js';

/** Statuses that refuse the request itself (content filter, unknown deployment, bad parameter). */
const REQUEST_REFUSALS = new Set([400, 404, 413, 422]);

/** The upstream's error as the client sees it: message, code and param kept, `innererror` in the details. */
export function azureHttpError(status: number, body: Buffer, headers: IncomingHttpHeaders): AppError {
  const error = upstreamHttpError(status, body, headers);
  const inner = innerError(body);
  // Azure leaves `type` null on refusals of the request where OpenAI says invalid_request_error; the relay's
  // own type for upstream errors would read as a server error.
  const typeless = error.clientType === undefined && REQUEST_REFUSALS.has(status);
  if (inner === undefined && !typeless) return error;
  const clientType = typeless ? 'invalid_request_error' : error.clientType;
  return new AppError(error.code, error.message, {
    httpStatus: error.httpStatus,
    retryable: error.retryable,
    details: { ...error.details, ...(inner === undefined ? {} : { innererror: inner }) },
    ...(clientType === undefined ? {} : { clientType }),
    ...(error.upstreamCode === undefined ? {} : { upstreamCode: error.upstreamCode }),
    ...(error.upstreamParam === undefined ? {} : { upstreamParam: error.upstreamParam }),
    ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
  });
}

/** `error.innererror` when the body has one (the content filter's verdict per category). */
function innerError(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const error = (parsed as Record<string, unknown>).error;
    if (typeof error !== 'object' || error === null) return undefined;
    const inner = (error as Record<string, unknown>).innererror;
    return typeof inner === 'object' && inner !== null && !Array.isArray(inner)
      ? (inner as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
