// The error conventions of the vendors whose clients the relay serves. A format picks the one its clients
// read (OpenAI's chat and Responses APIs share one body); the control plane answers in plain JSON.
import type { AppError } from './app-error.js';
import { ERROR_CODES } from './codes.js';
import type { ErrorShape } from './error-shape.js';

/** Details (which limit was hit, its reset time) ride along as an extra field the SDKs leave alone. */
function details(error: AppError): { details?: Record<string, unknown> } {
  return error.details === undefined ? {} : { details: error.details };
}

/** `{type:"error",error:{type,message}}`; streams end with an `error` event carrying the same. */
export const anthropicErrorShape: ErrorShape = {
  name: 'anthropic',
  body: (error, requestId) => ({
    type: 'error',
    error: {
      type: error.clientType ?? ERROR_CODES[error.code].anthropic,
      message: error.message,
      code: error.code,
      ...details(error),
    },
    request_id: requestId,
  }),
  streamFrame: (error, requestId) =>
    `event: error\ndata: ${JSON.stringify(anthropicErrorShape.body(error, requestId))}\n\n`,
};

/**
 * `{error:{message,type,param,code}}`; a chat stream ends with the same object as a data line. An upstream's
 * refusal keeps its own code and param, which OpenAI clients act on; the relay's code names its own refusals.
 */
export const openaiErrorShape: ErrorShape = {
  name: 'openai',
  body: (error) => ({
    error: {
      message: error.message,
      type: error.clientType ?? ERROR_CODES[error.code].openai,
      param: error.upstreamParam ?? (typeof error.details?.field === 'string' ? error.details.field : null),
      code: error.upstreamCode ?? error.code,
      ...details(error),
    },
  }),
  streamFrame: (error, requestId) => `data: ${JSON.stringify(openaiErrorShape.body(error, requestId))}\n\n`,
};

/**
 * google.rpc.Status: `{error:{code,message,status,details:[ErrorInfo]}}`. An error Google itself gave keeps
 * Google's status and details (Gemini CLI reads their RetryInfo and QuotaFailure).
 */
export const geminiErrorShape: ErrorShape = {
  name: 'gemini',
  body: (error) => {
    const { upstreamDetails, ...details } = error.details ?? {};
    return {
      error: {
        code: error.httpStatus,
        message: error.message,
        status: error.clientType ?? ERROR_CODES[error.code].gemini,
        details: Array.isArray(upstreamDetails)
          ? upstreamDetails
          : [
              {
                '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
                reason: error.code,
                ...(error.details === undefined ? {} : { metadata: stringValues(details) }),
              },
            ],
      },
    };
  },
  streamFrame: (error, requestId) => `data: ${JSON.stringify(geminiErrorShape.body(error, requestId))}\n\n`,
};

/** `{error:{code,message,requestId,details}}`: the control plane's REST answers and unclaimed paths. */
export const jsonErrorShape: ErrorShape = {
  name: 'json',
  body: (error, requestId) => ({
    error: { code: error.code, message: error.message, requestId, ...details(error) },
  }),
  streamFrame: (error, requestId) => `data: ${JSON.stringify(jsonErrorShape.body(error, requestId))}\n\n`,
};

/** google.rpc.ErrorInfo metadata is a map of strings. */
function stringValues(values: Record<string, unknown>): Record<string, string> {
  const strings: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    strings[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return strings;
}
