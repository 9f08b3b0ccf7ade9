// OpenAI Responses API: POST /v1/responses as a response object or as typed SSE events (reasoning with its
// summary, the message, function calls).
import type { Exchange } from './exchange.js';
import { checkOpenAI, openaiError, openaiHeaders } from './openai-common.js';
import {
  type ErrorBuilder,
  type Frame,
  type Headers,
  jsonPlan,
  newId,
  type Plan,
  scenarioOverride,
  successStatus,
  unixSeconds,
} from './plan.js';
import { answerText, resolveUsage, textPlan, totalPromptTokens } from './scenario.js';
import { eventFrame } from './sse.js';

/** How one Responses surface (the platform API, Codex's ChatGPT backend) heads its answers and errors. */
export interface ResponsesSurface {
  headers: (json: boolean) => Headers;
  error: ErrorBuilder;
}

const PLATFORM: ResponsesSurface = { headers: openaiHeaders, error: openaiError };

function typed(type: string, sequence: number, fields: Record<string, unknown>): string {
  return eventFrame(type, { type, sequence_number: sequence, ...fields });
}

function field(body: Record<string, unknown>, key: string, fallback: unknown): unknown {
  return body[key] ?? fallback;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** Codex asks for `include: ["reasoning.encrypted_content"]` (it stores nothing upstream, `store: false`). */
function wantsEncryptedReasoning(body: Record<string, unknown>): boolean {
  return Array.isArray(body.include) && body.include.includes('reasoning.encrypted_content');
}

export function openaiResponses(ex: Exchange): Plan {
  const checked = checkOpenAI(ex, true);
  if ('plan' in checked) return checked.plan;
  return responsesAnswer(ex, checked.body, checked.model, PLATFORM);
}

/** The answer of a checked request: a response object, or the typed events that build one. */
export function responsesAnswer(
  ex: Exchange,
  body: Record<string, unknown>,
  model: string,
  surface: ResponsesSurface,
): Plan {
  const override = scenarioOverride(ex, () => surface.headers(true), surface.error);
  if (override !== undefined) return override;
  const s = ex.scenario;
  const text = answerText(s);
  const u = resolveUsage(s, ex.record.body.length);
  const input = totalPromptTokens(u);
  const usage = {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u.cacheReadTokens },
    output_tokens: u.outputTokens,
    output_tokens_details: { reasoning_tokens: u.reasoningTokens },
    total_tokens: input + u.outputTokens,
  };
  // A reasoning model's answer starts with its reasoning item (its summary only when the scenario gives one).
  const summary = s.thoughtText === undefined ? [] : [{ type: 'summary_text', text: s.thoughtText }];
  const reasoningItem =
    u.reasoningTokens > 0 || s.thoughtText !== undefined
      ? {
          id: newId('rs_'),
          type: 'reasoning',
          ...(wantsEncryptedReasoning(body) ? { encrypted_content: `gAAAAA${newId('')}` } : {}),
          summary,
        }
      : undefined;
  // With tool calls, the message (text) comes only when the scenario sets `text`; the calls follow it.
  const calls = s.toolCalls ?? [];
  const withText = calls.length === 0 || s.text !== undefined;
  const itemId = newId('msg_');
  const part = { type: 'output_text', annotations: [], logprobs: [], text };
  const item = { id: itemId, type: 'message', status: 'completed', content: [part], role: 'assistant' };
  const callItems = calls.map((call) => ({
    id: newId('fc_'),
    type: 'function_call',
    status: 'completed',
    arguments: call.arguments,
    call_id: call.id ?? newId('call_'),
    name: call.name,
  }));
  const output: unknown[] = [
    ...(reasoningItem === undefined ? [] : [reasoningItem]),
    ...(withText ? [item] : []),
    ...callItems,
  ];
  const requestedReasoning = record(body.reasoning);
  const base = {
    id: newId('resp_'),
    object: 'response',
    created_at: unixSeconds(),
    status: 'completed',
    background: false,
    error: null,
    incomplete_details: null,
    instructions: field(body, 'instructions', null),
    max_output_tokens: field(body, 'max_output_tokens', null),
    model,
    output,
    parallel_tool_calls: field(body, 'parallel_tool_calls', true),
    previous_response_id: field(body, 'previous_response_id', null),
    prompt_cache_key: field(body, 'prompt_cache_key', null),
    reasoning: {
      effort: requestedReasoning.effort ?? (reasoningItem === undefined ? null : 'medium'),
      summary: requestedReasoning.summary ?? null,
    },
    service_tier: 'default',
    store: field(body, 'store', true),
    temperature: field(body, 'temperature', 1),
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: field(body, 'tool_choice', 'auto'),
    tools: field(body, 'tools', []),
    top_p: field(body, 'top_p', 1),
    truncation: 'disabled',
    usage: usage as typeof usage | null,
    user: null,
    metadata: field(body, 'metadata', {}),
  };
  const status = successStatus(ex);
  if (body.stream !== true) return jsonPlan(status, surface.headers(true), base, usage);

  const pending = { ...base, status: 'in_progress', output: [], usage: null };
  const frames: Frame[] = [];
  const add = (type: string, fields: Record<string, unknown>, frameUsage?: unknown): void => {
    frames.push({ data: typed(type, frames.length, fields), usage: frameUsage });
  };
  add('response.created', { response: pending });
  add('response.in_progress', { response: pending });
  let outputIndex = 0;
  if (reasoningItem !== undefined) {
    const { encrypted_content: _sealed, ...opened } = reasoningItem;
    const at = { item_id: reasoningItem.id, output_index: outputIndex };
    add('response.output_item.added', { output_index: outputIndex, item: { ...opened, summary: [] } });
    summary.forEach((summaryPart, summaryIndex) => {
      const loc = { ...at, summary_index: summaryIndex };
      add('response.reasoning_summary_part.added', { ...loc, part: { ...summaryPart, text: '' } });
      for (const delta of textPlan({ text: summaryPart.text, chunks: s.chunks }).pieces) {
        add('response.reasoning_summary_text.delta', { ...loc, delta });
      }
      add('response.reasoning_summary_text.done', { ...loc, text: summaryPart.text });
      add('response.reasoning_summary_part.done', { ...loc, part: summaryPart });
    });
    add('response.output_item.done', { output_index: outputIndex, item: reasoningItem });
    outputIndex++;
  }
  if (withText) {
    const loc = { item_id: itemId, output_index: outputIndex, content_index: 0 };
    add('response.output_item.added', {
      output_index: outputIndex,
      item: { id: itemId, type: 'message', status: 'in_progress', content: [], role: 'assistant' },
    });
    add('response.content_part.added', { ...loc, part: { ...part, text: '' } });
    for (const delta of textPlan(s).pieces)
      add('response.output_text.delta', { ...loc, delta, logprobs: [] });
    add('response.output_text.done', { ...loc, text, logprobs: [] });
    add('response.content_part.done', { ...loc, part });
    add('response.output_item.done', { output_index: outputIndex, item });
    outputIndex++;
  }
  for (const call of callItems) {
    const at = { item_id: call.id, output_index: outputIndex };
    add('response.output_item.added', {
      output_index: outputIndex,
      item: { ...call, status: 'in_progress', arguments: '' },
    });
    for (const delta of textPlan({ text: call.arguments, chunks: s.chunks }).pieces) {
      if (delta !== '') add('response.function_call_arguments.delta', { ...at, delta });
    }
    add('response.function_call_arguments.done', { ...at, arguments: call.arguments });
    add('response.output_item.done', { output_index: outputIndex, item: call });
    outputIndex++;
  }
  add('response.completed', { response: base }, usage);
  const code = s.errorType ?? 'server_error';
  const message =
    s.errorMessage ?? 'The server had an error while processing your request. Sorry about that!';
  if (s.failedAfterEvents !== undefined) {
    frames.length = Math.min(frames.length, s.failedAfterEvents);
    add('response.failed', { response: { ...pending, status: 'failed', error: { code, message } } });
  }
  const errorFrame = (index: number): string => typed('error', index, { code, message, param: null });
  return { kind: 'stream', status, headers: surface.headers(false), frames, errorFrame, trailer: '' };
}
