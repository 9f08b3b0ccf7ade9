// OpenAI Chat Completions: POST /v1/chat/completions as JSON or as chat.completion.chunk SSE.
import type { Exchange } from './exchange.js';
import { checkOpenAI, openaiError, openaiErrorObject, openaiHeaders } from './openai-common.js';
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
import { dataFrame } from './sse.js';
import type { Scenario, ToolCall } from './types.js';

const FINGERPRINT = 'fp_fake_upstream';
const ROLE_CHOICES = JSON.stringify([
  { index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null },
]);
const STOP_CHOICES = JSON.stringify([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]);
const TOOL_CALLS_CHOICES = JSON.stringify([
  { index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' },
]);
const DONE = 'data: [DONE]\n\n';
const choicesCache = new WeakMap<readonly string[], string[]>();

/** The `choices` JSON of each content delta chunk, cached per split text. */
function deltaChoices(pieces: readonly string[]): string[] {
  let cached = choicesCache.get(pieces);
  if (cached === undefined) {
    cached = pieces.map((content) =>
      JSON.stringify([{ index: 0, delta: { content }, logprobs: null, finish_reason: null }]),
    );
    choicesCache.set(pieces, cached);
  }
  return cached;
}

interface PlannedCall {
  id: string;
  name: string;
  arguments: string;
}

function plannedCalls(calls: readonly ToolCall[]): PlannedCall[] {
  return calls.map((call) => ({ id: call.id ?? newId('call_'), name: call.name, arguments: call.arguments }));
}

/** The `choices` JSON of each delta that streams parallel function calls, as the API does. */
function toolCallChoices(calls: readonly PlannedCall[], scenario: Scenario): string[] {
  const chunk = (delta: Record<string, unknown>) =>
    JSON.stringify([{ index: 0, delta, logprobs: null, finish_reason: null }]);
  const out: string[] = [];
  calls.forEach((call, index) => {
    // Its id, type and name open each call, the first one with the role; then its arguments, in pieces.
    const opening = { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } };
    out.push(
      chunk(
        index === 0
          ? { role: 'assistant', content: null, tool_calls: [opening], refusal: null }
          : { tool_calls: [opening] },
      ),
    );
    for (const piece of textPlan({ text: call.arguments, chunks: scenario.chunks }).pieces) {
      if (piece !== '') out.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  return out;
}

export function openaiChat(ex: Exchange): Plan {
  const checked = checkOpenAI(ex, true);
  if ('plan' in checked) return checked.plan;
  const { body, model } = checked;
  const override = scenarioOverride(ex, () => openaiHeaders(true), openaiError);
  if (override !== undefined) return override;
  const s = ex.scenario;
  const u = resolveUsage(s, ex.record.body.length);
  const prompt = totalPromptTokens(u);
  const usage = {
    prompt_tokens: prompt,
    completion_tokens: u.outputTokens,
    total_tokens: prompt + u.outputTokens,
    prompt_tokens_details: { cached_tokens: u.cacheReadTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: u.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
  const id = newId('chatcmpl-');
  const created = unixSeconds();
  const status = successStatus(ex);
  const calls = s.toolCalls === undefined ? undefined : plannedCalls(s.toolCalls);
  if (body.stream !== true) {
    const message =
      calls === undefined
        ? { role: 'assistant', content: answerText(s), refusal: null, annotations: [] }
        : {
            role: 'assistant',
            content: null,
            tool_calls: calls.map((call) => ({
              id: call.id,
              type: 'function',
              function: { name: call.name, arguments: call.arguments },
            })),
            refusal: null,
            annotations: [],
          };
    const completion = {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message,
          logprobs: null,
          finish_reason: calls === undefined ? 'stop' : 'tool_calls',
        },
      ],
      usage,
      service_tier: 'default',
      system_fingerprint: FINGERPRINT,
    };
    return jsonPlan(status, openaiHeaders(true), completion, usage);
  }
  const options = body.stream_options;
  const includeUsage =
    typeof options === 'object' &&
    options !== null &&
    (options as Record<string, unknown>).include_usage === true;
  const head = `data: {"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"service_tier":"default","system_fingerprint":"${FINGERPRINT}","choices":`;
  const tail = includeUsage ? ',"usage":null}\n\n' : '}\n\n';
  const frames: Frame[] = [];
  if (calls === undefined) {
    frames.push({ data: head + ROLE_CHOICES + tail });
    for (const choices of deltaChoices(textPlan(s).pieces)) frames.push({ data: head + choices + tail });
    frames.push({ data: head + STOP_CHOICES + tail });
  } else {
    for (const choices of toolCallChoices(calls, s)) frames.push({ data: head + choices + tail });
    frames.push({ data: head + TOOL_CALLS_CHOICES + tail });
  }
  if (includeUsage) frames.push({ data: `${head}[],"usage":${JSON.stringify(usage)}}\n\n`, usage });
  frames.push({ data: DONE });
  const errorFrame = dataFrame({ error: openaiErrorObject(500, s.errorType, s.errorMessage) });
  return {
    kind: 'stream',
    status,
    headers: openaiHeaders(false),
    frames,
    errorFrame: () => errorFrame,
    trailer: '',
  };
}
