// OpenAI Responses API: POST /v1/responses as a response object or as typed SSE events.
import type { Exchange } from './exchange.js';
import { checkOpenAI, openaiError, openaiHeaders } from './openai-common.js';
import {
  type Frame,
  jsonPlan,
  newId,
  type Plan,
  scenarioOverride,
  successStatus,
  unixSeconds,
} from './plan.js';
import { answerText, resolveUsage, textPlan, totalPromptTokens } from './scenario.js';
import { eventFrame } from './sse.js';

function typed(type: string, sequence: number, fields: Record<string, unknown>): string {
  return eventFrame(type, { type, sequence_number: sequence, ...fields });
}

function field(body: Record<string, unknown>, key: string, fallback: unknown): unknown {
  return body[key] ?? fallback;
}

export function openaiResponses(ex: Exchange): Plan {
  const checked = checkOpenAI(ex, true);
  if ('plan' in checked) return checked.plan;
  const { body, model } = checked;
  const override = scenarioOverride(ex, () => openaiHeaders(true), openaiError);
  if (override !== undefined) return override;
  const s = ex.scenario;
  const text = answerText(s);
  const u = resolveUsage(s, ex.record.body.length);
  const input = totalPromptTokens(u);
  const usage = {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u.cacheReadTokens },
    output_tokens: u.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + u.outputTokens,
  };
  const itemId = newId('msg_');
  const part = { type: 'output_text', annotations: [], logprobs: [], text };
  const item = { id: itemId, type: 'message', status: 'completed', content: [part], role: 'assistant' };
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
    output: [item] as unknown[],
    parallel_tool_calls: true,
    previous_response_id: field(body, 'previous_response_id', null),
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: field(body, 'store', true),
    temperature: field(body, 'temperature', 1),
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: [],
    top_p: field(body, 'top_p', 1),
    truncation: 'disabled',
    usage: usage as typeof usage | null,
    user: null,
    metadata: field(body, 'metadata', {}),
  };
  const status = successStatus(ex);
  if (body.stream !== true) return jsonPlan(status, openaiHeaders(true), base, usage);

  const pending = { ...base, status: 'in_progress', output: [], usage: null };
  const loc = { item_id: itemId, output_index: 0, content_index: 0 };
  const frames: Frame[] = [];
  const add = (type: string, fields: Record<string, unknown>, frameUsage?: unknown): void => {
    frames.push({ data: typed(type, frames.length, fields), usage: frameUsage });
  };
  add('response.created', { response: pending });
  add('response.in_progress', { response: pending });
  add('response.output_item.added', {
    output_index: 0,
    item: { id: itemId, type: 'message', status: 'in_progress', content: [], role: 'assistant' },
  });
  add('response.content_part.added', { ...loc, part: { ...part, text: '' } });
  for (const delta of textPlan(s).pieces) add('response.output_text.delta', { ...loc, delta, logprobs: [] });
  add('response.output_text.done', { ...loc, text, logprobs: [] });
  add('response.content_part.done', { ...loc, part });
  add('response.output_item.done', { output_index: 0, item });
  add('response.completed', { response: base }, usage);
  const errorFrame = (index: number): string =>
    typed('error', index, {
      code: s.errorType ?? 'server_error',
      message: s.errorMessage ?? 'The server had an error while processing your request. Sorry about that!',
      param: null,
    });
  return { kind: 'stream', status, headers: openaiHeaders(false), frames, errorFrame, trailer: '' };
}
