// CanonicalRequest → a Chat Completions request body for an upstream that speaks Chat. What Chat cannot say
// is refused by name (unsupportedFeature) rather than left out.
import type {
  CanonicalRequest,
  CanonicalTool,
  ReasoningEffort,
  ReasoningRequest,
  ResponseFormat,
  ToolChoice,
} from '../../canonical/request.js';
import { record } from '../../formats/json-values.js';
import { unsupportedFeature } from '../unsupported.js';
import { renderMessages } from './render-messages.js';

/** OpenAI's rule for function names. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** OpenAI takes at most 4 stop sequences. */
const STOP_SEQUENCES_MAX = 4;

export function canonicalToChatRequest(request: CanonicalRequest, model: string): Record<string, unknown> {
  if (request.topK !== undefined) refuse('topK', 'Chat Completions has no top_k');
  const stop = request.stopSequences;
  if (stop && stop.length > STOP_SEQUENCES_MAX)
    refuse('stopSequences', 'OpenAI takes at most 4 stop sequences');
  const { functions, webSearch } = renderTools(request.tools);
  const effort = reasoningEffort(request.reasoning);
  const body: Record<string, unknown> = {
    model,
    messages: renderMessages(request),
    ...servingHints(request.hints),
    ...(request.stream ? streaming(request.hints) : {}),
    ...(functions.length > 0 ? { tools: functions } : {}),
    // OpenAI refuses tool_choice and parallel_tool_calls without tools; with none, there is nothing to choose.
    ...(functions.length > 0 && request.toolChoice ? { tool_choice: toolChoice(request.toolChoice) } : {}),
    ...(functions.length > 0 && request.parallelToolCalls !== undefined
      ? { parallel_tool_calls: request.parallelToolCalls }
      : {}),
    ...(webSearch ? { web_search_options: webSearch } : {}),
    // `max_tokens` is deprecated and refused by reasoning models; the newer name works for every model.
    ...(request.maxOutputTokens !== undefined ? { max_completion_tokens: request.maxOutputTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.topP !== undefined ? { top_p: request.topP } : {}),
    ...(stop && stop.length > 0 ? { stop } : {}),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(request.presencePenalty !== undefined ? { presence_penalty: request.presencePenalty } : {}),
    ...(request.frequencyPenalty !== undefined ? { frequency_penalty: request.frequencyPenalty } : {}),
    ...(request.responseFormat ? { response_format: responseFormat(request.responseFormat) } : {}),
    ...(effort ? { reasoning_effort: effort } : {}),
    ...(request.user !== undefined ? { user: request.user } : {}),
  };
  return body;
}

/** The relay reads usage from the stream's last chunk, which OpenAI sends only when asked. */
function streaming(hints: Record<string, unknown>): Record<string, unknown> {
  const asked = record(hints.stream_options);
  const obfuscation = asked?.include_obfuscation;
  return {
    stream: true,
    stream_options: {
      ...(typeof obfuscation === 'boolean' ? { include_obfuscation: obfuscation } : {}),
      include_usage: true,
    },
  };
}

/**
 * Hints Chat has a field for, when their value is one Chat takes: a hint from another format may share a name
 * with a different meaning (Anthropic's `service_tier` values), and Chat refuses values it does not know.
 */
function servingHints(hints: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof hints.store === 'boolean') out.store = hints.store;
  const metadata = record(hints.metadata);
  if (metadata && isChatMetadata(metadata)) out.metadata = metadata;
  if (['auto', 'default', 'flex', 'scale', 'priority'].includes(String(hints.service_tier))) {
    out.service_tier = hints.service_tier;
  }
  if (typeof hints.prompt_cache_key === 'string') out.prompt_cache_key = hints.prompt_cache_key;
  if (hints.prompt_cache_retention === 'in-memory' || hints.prompt_cache_retention === '24h') {
    out.prompt_cache_retention = hints.prompt_cache_retention;
  }
  if (typeof hints.safety_identifier === 'string') out.safety_identifier = hints.safety_identifier;
  return out;
}

/** OpenAI's metadata: up to 16 string values, keys up to 64 characters, values up to 512. */
function isChatMetadata(metadata: Record<string, unknown>): boolean {
  const entries = Object.entries(metadata);
  return (
    entries.length <= 16 &&
    entries.every(([key, value]) => key.length <= 64 && typeof value === 'string' && value.length <= 512)
  );
}

function renderTools(tools: readonly CanonicalTool[]) {
  const functions: Record<string, unknown>[] = [];
  let webSearch: Record<string, unknown> | undefined;
  tools.forEach((tool, index) => {
    if (tool.type === 'provider') {
      if (tool.kind !== 'web_search')
        refuse(`tools[${index}] (${tool.kind})`, 'Chat Completions has no such tool');
      // A Chat client's own options go back as they came; another format's search settings have no Chat form.
      webSearch = record(record(tool.raw)?.web_search_options) ?? {};
      return;
    }
    if (!TOOL_NAME.test(tool.name)) {
      refuse(`tools[${index}].name`, 'OpenAI function names are 1-64 letters, digits, _ or -');
    }
    functions.push({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description !== undefined ? { description: tool.description } : {}),
        parameters: tool.inputSchema,
        ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
      },
    });
  });
  return { functions, webSearch };
}

function toolChoice(choice: ToolChoice): unknown {
  return choice.type === 'tool' ? { type: 'function', function: { name: choice.name } } : choice.type;
}

function responseFormat(format: ResponseFormat): Record<string, unknown> {
  if (format.type === 'text') return { type: 'text' };
  if (!format.schema) return { type: 'json_object' };
  return {
    type: 'json_schema',
    json_schema: {
      // Chat requires a name; a schema from a format without one is named for what it is.
      name: format.name && TOOL_NAME.test(format.name) ? format.name : 'response',
      schema: format.schema,
      ...(format.strict !== undefined ? { strict: format.strict } : {}),
    },
  };
}

/**
 * Chat says reasoning by effort alone. A token budget (Anthropic, Gemini) maps onto the effort whose usual
 * spend it is nearest; reasoning switched off sends nothing, since only some models can turn it off and
 * those that cannot refuse the request that asks.
 */
function reasoningEffort(reasoning: ReasoningRequest | undefined): ReasoningEffort | undefined {
  if (!reasoning?.enabled) return undefined;
  if (reasoning.effort) return reasoning.effort;
  const budget = reasoning.budgetTokens;
  if (budget === undefined) return undefined;
  if (budget <= 4_096) return 'low';
  if (budget <= 16_384) return 'medium';
  return 'high';
}

function refuse(feature: string, why: string): never {
  throw unsupportedFeature(feature, 'openai-chat', why);
}
