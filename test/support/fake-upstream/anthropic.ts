// Anthropic Messages API: /v1/messages (JSON + SSE; text, thinking and tool_use blocks), /v1/messages/count_tokens,
// /v1/models.
import { randomBytes } from 'node:crypto';
import type { Exchange } from './exchange.js';
import {
  type ErrorBuilder,
  type Frame,
  type Headers,
  headerValue,
  type JsonPlan,
  jsonPlan,
  newId,
  type Plan,
  scenarioOverride,
  successStatus,
} from './plan.js';
import { answerText, parseToolArguments, resolveUsage, textPlan } from './scenario.js';
import { eventFrame, SSE_HEADERS } from './sse.js';
import type { Scenario } from './types.js';

const ERRORS: Record<number, readonly [string, string]> = {
  400: ['invalid_request_error', 'Invalid request'],
  401: ['authentication_error', 'invalid x-api-key'],
  403: ['permission_error', 'Your API key does not have permission to use the specified resource.'],
  404: ['not_found_error', 'Not Found'],
  413: ['request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
  429: ['rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'],
  500: ['api_error', 'Internal server error'],
  529: ['overloaded_error', 'Overloaded'],
};

const LIMITS = { requests: 4000, tokens: 2_400_000, 'input-tokens': 2_000_000, 'output-tokens': 400_000 };
let limitSecond = -1;
let okLimitHeaders: Headers = {};
let exhaustedLimitHeaders: Headers = {};

function rfc3339(unixSecond: number): string {
  return new Date(unixSecond * 1000).toISOString().replace('.000Z', 'Z');
}

/** anthropic-ratelimit-* headers (RFC 3339 resets), rebuilt at most once a second. */
function refreshLimits(): void {
  const second = Math.floor(Date.now() / 1000);
  if (second === limitSecond) return;
  limitSecond = second;
  okLimitHeaders = {};
  exhaustedLimitHeaders = { 'retry-after': '1' }; // short on purpose: tests must not sleep long
  for (const [name, limit] of Object.entries(LIMITS)) {
    const prefix = `anthropic-ratelimit-${name}`;
    okLimitHeaders[`${prefix}-limit`] = String(limit);
    okLimitHeaders[`${prefix}-remaining`] = String(limit - 1);
    okLimitHeaders[`${prefix}-reset`] = rfc3339(second + 60);
    exhaustedLimitHeaders[`${prefix}-limit`] = String(limit);
    exhaustedLimitHeaders[`${prefix}-remaining`] = '0';
    exhaustedLimitHeaders[`${prefix}-reset`] = rfc3339(second + 1);
  }
}

export const anthropicError: ErrorBuilder = (_ex, status, type, message) => {
  const [defaultType, defaultMessage] = ERRORS[status] ?? ['api_error', 'Internal server error'];
  const requestId = newId('req_');
  let headers: Headers = { 'content-type': 'application/json', 'request-id': requestId };
  if (status === 429) {
    refreshLimits();
    headers = { ...headers, ...exhaustedLimitHeaders };
  }
  const error = { type: type ?? defaultType, message: message ?? defaultMessage };
  return jsonPlan(status, headers, { type: 'error', error, request_id: requestId });
};

function successHeaders(json: boolean): Headers {
  refreshLimits();
  const base = json ? { 'content-type': 'application/json' } : SSE_HEADERS;
  return { ...base, 'request-id': newId('req_'), ...okLimitHeaders };
}

type Checked = { plan: Plan } | { body: Record<string, unknown>; model: string };

/** Auth, anthropic-version and (for POSTs) body checks, in the order the real API applies them. */
function check(ex: Exchange, needBody: boolean): Checked {
  const h = ex.req.headers;
  const key = ex.options.apiKey;
  if (key !== undefined) {
    const xApiKey = headerValue(h['x-api-key']);
    const auth = headerValue(h.authorization);
    if (xApiKey === undefined && auth === undefined) {
      return { plan: anthropicError(ex, 401, 'authentication_error', 'x-api-key header is required') };
    }
    if (xApiKey !== key && auth !== `Bearer ${key}`) return { plan: anthropicError(ex, 401) };
  }
  if (h['anthropic-version'] === undefined) {
    return {
      plan: anthropicError(ex, 400, 'invalid_request_error', 'anthropic-version: header is required'),
    };
  }
  if (!needBody) return { body: {}, model: '' };
  const body = ex.body;
  if (body === undefined) {
    const message = ex.invalidJson
      ? 'There was an error parsing the body of your request as JSON.'
      : 'Request body must be a JSON object.';
    return { plan: anthropicError(ex, 400, 'invalid_request_error', message) };
  }
  if (typeof body.model !== 'string') {
    return { plan: anthropicError(ex, 400, 'invalid_request_error', 'model: Field required') };
  }
  return { body, model: body.model };
}

const TEXT_BLOCK_START = eventFrame('content_block_start', {
  type: 'content_block_start',
  index: 0,
  content_block: { type: 'text', text: '' },
});
const PING: Frame = { data: eventFrame('ping', { type: 'ping' }) };
const TEXT_BLOCK_STOP = eventFrame('content_block_stop', { type: 'content_block_stop', index: 0 });
const MESSAGE_STOP = eventFrame('message_stop', { type: 'message_stop' });
const deltaCache = new WeakMap<readonly string[], Frame[]>();

function deltaFrame(index: number, delta: Record<string, unknown>): Frame {
  return { data: eventFrame('content_block_delta', { type: 'content_block_delta', index, delta }) };
}

function textDeltaFrames(index: number, pieces: readonly string[]): Frame[] {
  return pieces.map((text) => deltaFrame(index, { type: 'text_delta', text }));
}

/** The text deltas of the first block, cached per split text (the benchmark's plain answers). */
function firstTextDeltaFrames(pieces: readonly string[]): Frame[] {
  let frames = deltaCache.get(pieces);
  if (frames === undefined) {
    frames = textDeltaFrames(0, pieces);
    deltaCache.set(pieces, frames);
  }
  return frames;
}

/**
 * A thinking block's signature as the API sends it: standard base64 of an opaque protobuf-looking blob (field 2,
 * length-delimited), which clients must hand back byte for byte.
 */
export function fakeThinkingSignature(): string {
  return Buffer.concat([Buffer.from([0x12, 0xf0, 0x01]), randomBytes(240)]).toString('base64');
}

/** One content block of the answer: its final form, and (when streaming) its start, delta and stop events. */
interface Block {
  content: Record<string, unknown>;
  start: Frame;
  deltas: Frame[];
  stop: Frame;
}

function blockStart(index: number, contentBlock: Record<string, unknown>): Frame {
  return {
    data: eventFrame('content_block_start', {
      type: 'content_block_start',
      index,
      content_block: contentBlock,
    }),
  };
}

function blockStop(index: number): Frame {
  return { data: eventFrame('content_block_stop', { type: 'content_block_stop', index }) };
}

/**
 * The content blocks of a scenario's answer, in order: a `thinking` block (`thoughtText`), then the text (unless
 * the answer is only tool calls), then one `tool_use` block per call.
 */
function answerBlocks(s: Scenario, stream: boolean): Block[] {
  const blocks: Block[] = [];
  const calls = s.toolCalls ?? [];
  if (s.thoughtText !== undefined) {
    const index = blocks.length;
    const signature = fakeThinkingSignature();
    const pieces = textPlan({ text: s.thoughtText, chunks: s.chunks }).pieces;
    blocks.push({
      content: { type: 'thinking', thinking: s.thoughtText, signature },
      start: blockStart(index, { type: 'thinking', thinking: '', signature: '' }),
      deltas: stream
        ? [
            ...pieces.map((thinking) => deltaFrame(index, { type: 'thinking_delta', thinking })),
            deltaFrame(index, { type: 'signature_delta', signature }),
          ]
        : [],
      stop: blockStop(index),
    });
  }
  if (calls.length === 0 || s.text !== undefined) {
    const index = blocks.length;
    const pieces = textPlan(s).pieces;
    blocks.push({
      content: { type: 'text', text: answerText(s) },
      start: index === 0 ? { data: TEXT_BLOCK_START } : blockStart(index, { type: 'text', text: '' }),
      deltas: !stream ? [] : index === 0 ? firstTextDeltaFrames(pieces) : textDeltaFrames(index, pieces),
      stop: index === 0 ? { data: TEXT_BLOCK_STOP } : blockStop(index),
    });
  }
  for (const call of calls) {
    const index = blocks.length;
    const opened = { type: 'tool_use', id: call.id ?? newId('toolu_'), name: call.name };
    const caller = { type: 'direct' };
    const pieces = stream ? textPlan({ text: call.arguments, chunks: s.chunks }).pieces : [];
    blocks.push({
      content: { ...opened, input: parseToolArguments(call.arguments), caller },
      start: blockStart(index, { ...opened, input: {}, caller }),
      deltas: pieces.map((partial_json) => deltaFrame(index, { type: 'input_json_delta', partial_json })),
      stop: blockStop(index),
    });
  }
  return blocks;
}

export function anthropicMessages(ex: Exchange): Plan {
  const checked = check(ex, true);
  if ('plan' in checked) return checked.plan;
  const override = scenarioOverride(ex, () => successHeaders(true), anthropicError);
  if (override !== undefined) return override;
  const maxTokens = typeof checked.body.max_tokens === 'number' ? checked.body.max_tokens : undefined;
  return anthropicAnswer(ex, checked.model, checked.body.stream === true, ex.record.body.length, maxTokens);
}

/** The success answer to a checked Messages request; the fake Bedrock reuses it so both fakes agree. */
export function anthropicAnswer(
  ex: Exchange,
  model: string,
  stream: boolean,
  bodyLength: number,
  maxTokens?: number,
): Plan {
  const s = ex.scenario;
  const planned = resolveUsage(s, bodyLength);
  // Like the real API, the answer never has more output tokens than the request's max_tokens: it stops there.
  const truncated = maxTokens !== undefined && planned.outputTokens > maxTokens;
  const u = truncated ? { ...planned, outputTokens: maxTokens } : planned;
  const stopReason = truncated ? 'max_tokens' : (s.toolCalls?.length ?? 0) > 0 ? 'tool_use' : 'end_turn';
  const inputFields = {
    input_tokens: u.inputTokens,
    cache_creation_input_tokens: u.cacheWrite5mTokens + u.cacheWrite1hTokens,
    cache_read_input_tokens: u.cacheReadTokens,
  };
  const cacheCreation = {
    ephemeral_5m_input_tokens: u.cacheWrite5mTokens,
    ephemeral_1h_input_tokens: u.cacheWrite1hTokens,
  };
  const usage = {
    ...inputFields,
    cache_creation: cacheCreation,
    output_tokens: u.outputTokens,
    service_tier: 'standard',
  };
  const id = newId('msg_');
  const status = successStatus(ex);
  const blocks = answerBlocks(s, stream);
  if (!stream) {
    const message = {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: blocks.map((block) => block.content),
      stop_reason: stopReason,
      stop_sequence: null,
      usage,
    };
    return jsonPlan(status, successHeaders(true), message, usage);
  }
  const startUsage = { ...usage, output_tokens: 1 };
  const message = { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null };
  const frames: Frame[] = [
    {
      data: eventFrame('message_start', {
        type: 'message_start',
        message: { ...message, stop_sequence: null, usage: startUsage },
      }),
      usage: startUsage,
    },
    // Blocks follow one another; the API's keep-alive ping comes right after the first block opens.
    ...blocks.flatMap((block, i) => [block.start, ...(i === 0 ? [PING] : []), ...block.deltas, block.stop]),
    {
      data: eventFrame('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: stopReason, stop_sequence: null },
        usage: { ...inputFields, output_tokens: u.outputTokens },
      }),
      usage,
    },
    { data: MESSAGE_STOP },
  ];
  const error = {
    type: 'error',
    error: { type: s.errorType ?? 'overloaded_error', message: s.errorMessage ?? 'Overloaded' },
  };
  const errorFrame = eventFrame('error', error);
  return {
    kind: 'stream',
    status,
    headers: successHeaders(false),
    frames,
    errorFrame: () => errorFrame,
    trailer: '',
  };
}

export function anthropicCountTokens(ex: Exchange): Plan {
  const checked = check(ex, true);
  if ('plan' in checked) return checked.plan;
  const override = scenarioOverride(ex, () => successHeaders(true), anthropicError);
  if (override !== undefined) return override;
  const result = { input_tokens: resolveUsage(ex.scenario, ex.record.body.length).inputTokens };
  return jsonPlan(successStatus(ex), successHeaders(true), result, result);
}

const MODELS = [
  ['claude-sonnet-4-5-20250929', 'Claude Sonnet 4.5', '2025-09-29T00:00:00Z'],
  ['claude-haiku-4-5-20251001', 'Claude Haiku 4.5', '2025-10-01T00:00:00Z'],
  ['claude-opus-4-1-20250805', 'Claude Opus 4.1', '2025-08-05T00:00:00Z'],
  ['claude-sonnet-4-20250514', 'Claude Sonnet 4', '2025-05-14T00:00:00Z'],
].map(([id, display_name, created_at]) => ({ type: 'model', id, display_name, created_at }));
const MODEL_LIST = JSON.stringify({
  data: MODELS,
  has_more: false,
  first_id: MODELS[0]?.id ?? null,
  last_id: MODELS[MODELS.length - 1]?.id ?? null,
});

export function anthropicModels(ex: Exchange, modelId?: string): Plan {
  const checked = check(ex, false);
  if ('plan' in checked) return checked.plan;
  const override = scenarioOverride(ex, () => successHeaders(true), anthropicError);
  if (override !== undefined) return override;
  if (modelId === undefined) {
    const plan: JsonPlan = {
      kind: 'json',
      status: successStatus(ex),
      headers: successHeaders(true),
      body: MODEL_LIST,
    };
    return plan;
  }
  const model = MODELS.find((m) => m.id === modelId);
  if (model === undefined) return anthropicError(ex, 404, 'not_found_error', `model: ${modelId}`);
  return jsonPlan(successStatus(ex), successHeaders(true), model);
}

/** Unknown route: always a 404 in Anthropic's shape, whatever the scenario says. */
export function anthropicNotFound(ex: Exchange): Plan {
  return anthropicError(ex, 404);
}
