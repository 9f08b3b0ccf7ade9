// Code Assist's generateContent / streamGenerateContent (the Gemini API's answer wrapped as `{response, traceId}`,
// per SSE frame or JSON-array element for streams) and countTokens.
import { randomBytes } from 'node:crypto';
import { codeAssistAccount } from './code-assist-account.js';
import {
  checkAuth,
  checkBody,
  codeAssistError,
  errorPlan,
  forbidden,
  invalidArgument,
  JSON_HEADERS,
  projectDenied,
} from './code-assist-errors.js';
import type { Exchange } from './exchange.js';
import { geminiAnswer, geminiErrorObject } from './gemini.js';
import {
  type Frame,
  type Headers,
  jsonPlan,
  type Plan,
  scenarioOverride,
  stringField,
  successStatus,
} from './plan.js';
import { resolveUsage, totalPromptTokens } from './scenario.js';
import { crlfDataFrame } from './sse.js';

const SSE_STREAM_HEADERS: Headers = { ...JSON_HEADERS, 'content-type': 'text/event-stream' };

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

export function generate(ex: Exchange, method: 'generateContent' | 'streamGenerateContent'): Plan {
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

export function countTokens(ex: Exchange): Plan {
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
