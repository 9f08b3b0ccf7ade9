// A Chat Completions request → CanonicalRequest. Every top-level field is accounted for: read into a canonical
// field, kept as a hint (it only tunes serving), or recorded as unsupported (it changes the answer and the
// canonical model cannot say it), so a translation never drops one unnoticed.
import type {
  CanonicalRequest,
  CanonicalTool,
  ReasoningRequest,
  ResponseFormat,
  ToolChoice,
  UnsupportedFeature,
} from '../../canonical/request.js';
import { sortOtherFields } from '../other-fields.js';
import { readMessages } from './request-messages.js';
import {
  type ChatBody,
  chatBodySchema,
  functionToolSchema,
  jsonSchemaFormatSchema,
  namedToolChoiceSchema,
  readAs,
} from './wire-schemas.js';

/** Fields read into canonical ones below. */
const READ = new Set([
  'model',
  'stream',
  'messages',
  'tools',
  'web_search_options',
  'tool_choice',
  'parallel_tool_calls',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'stop',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'response_format',
  'reasoning_effort',
  'user',
]);

/** Fields that only tune how OpenAI serves the request (storage, tier, caching, abuse ids, the stream's form). */
const HINTS = new Set([
  'store',
  'metadata',
  'service_tier',
  'stream_options',
  'prompt_cache_key',
  'prompt_cache_retention',
  'safety_identifier',
]);

/** Values that ask for nothing beyond the default, so they need no field: one choice, no logprobs, text out. */
function isDefault(name: string, value: unknown): boolean {
  if (name === 'n') return value === 1;
  if (name === 'logprobs') return value === false;
  if (name === 'modalities') return Array.isArray(value) && value.length === 1 && value[0] === 'text';
  if (name === 'logit_bias') return typeof value === 'object' && Object.keys(value as object).length === 0;
  return false;
}

export function chatRequestToCanonical(
  body: Record<string, unknown>,
  model: string,
  stream: boolean,
): CanonicalRequest {
  const fields = readAs(chatBodySchema, body, '');
  const unsupported: UnsupportedFeature[] = [];
  const hints: Record<string, unknown> = {};
  const other = sortOtherFields(body, READ, HINTS, isDefault);
  Object.assign(hints, other.hints);
  unsupported.push(...other.unsupported);
  const { system, messages } = readMessages(fields.messages, unsupported);
  const stop = typeof fields.stop === 'string' ? [fields.stop] : (fields.stop ?? undefined);
  // Absent stays absent: a key holding undefined would read as a field the client set.
  return withoutUndefined<CanonicalRequest>({
    model,
    stream,
    system,
    messages,
    tools: readTools(fields.tools ?? [], body.web_search_options, unsupported),
    toolChoice: readToolChoice(fields.tool_choice, unsupported),
    parallelToolCalls: fields.parallel_tool_calls ?? undefined,
    // `max_completion_tokens` replaced `max_tokens`, which older clients still send.
    maxOutputTokens: fields.max_completion_tokens ?? fields.max_tokens ?? undefined,
    temperature: fields.temperature ?? undefined,
    topP: fields.top_p ?? undefined,
    stopSequences: stop,
    seed: fields.seed ?? undefined,
    presencePenalty: fields.presence_penalty ?? undefined,
    frequencyPenalty: fields.frequency_penalty ?? undefined,
    responseFormat: readResponseFormat(fields.response_format, unsupported),
    reasoning: readReasoning(fields.reasoning_effort, unsupported),
    user: fields.user ?? undefined,
    hints,
    unsupported,
  });
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

function readTools(
  tools: NonNullable<ChatBody['tools']>,
  webSearch: unknown,
  unsupported: UnsupportedFeature[],
): CanonicalTool[] {
  const read: CanonicalTool[] = [];
  tools.forEach((tool, index) => {
    if (tool.type !== 'function') {
      // `custom` tools take free text rather than JSON arguments; no other format has them.
      unsupported.push({ feature: `tools[${index}].type=${tool.type}`, value: tool.type });
      return;
    }
    const fn = readAs(functionToolSchema, tool, `tools[${index}]`).function;
    read.push({
      type: 'function',
      name: fn.name,
      ...(fn.description ? { description: fn.description } : {}),
      // A function without parameters takes none; every format spells that as an empty object schema.
      inputSchema: fn.parameters ?? { type: 'object', properties: {} },
      ...(typeof fn.strict === 'boolean' ? { strict: fn.strict } : {}),
      raw: tool,
    });
  });
  // Chat's web search is a request option of its search models rather than a tool.
  if (webSearch !== undefined && webSearch !== null) {
    read.push({ type: 'provider', kind: 'web_search', raw: { web_search_options: webSearch } });
  }
  return read;
}

function readToolChoice(
  choice: ChatBody['tool_choice'],
  unsupported: UnsupportedFeature[],
): ToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (typeof choice === 'string') return { type: choice };
  if (choice.type === 'function') {
    return { type: 'tool', name: readAs(namedToolChoiceSchema, choice, 'tool_choice').function.name };
  }
  unsupported.push({ feature: `tool_choice.type=${choice.type}`, value: choice });
  return undefined;
}

function readResponseFormat(
  format: ChatBody['response_format'],
  unsupported: UnsupportedFeature[],
): ResponseFormat | undefined {
  if (format === undefined || format === null) return undefined;
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json' };
    case 'json_schema': {
      const spec = readAs(jsonSchemaFormatSchema, format, 'response_format').json_schema;
      if (spec.description) {
        unsupported.push({ feature: 'response_format.json_schema.description', value: spec.description });
      }
      return {
        type: 'json',
        ...(spec.schema ? { schema: spec.schema } : {}),
        ...(spec.name ? { name: spec.name } : {}),
        ...(typeof spec.strict === 'boolean' ? { strict: spec.strict } : {}),
      };
    }
    default:
      unsupported.push({ feature: `response_format.type=${format.type}`, value: format });
      return undefined;
  }
}

function readReasoning(effort: ChatBody['reasoning_effort'], unsupported: UnsupportedFeature[]) {
  if (effort === undefined || effort === null) return undefined;
  switch (effort) {
    case 'none':
      return { enabled: false } satisfies ReasoningRequest;
    case 'minimal':
    case 'low':
    case 'medium':
    case 'high':
      return { enabled: true, effort } satisfies ReasoningRequest;
    default:
      // `xhigh` and whatever comes next: no canonical effort says it.
      unsupported.push({ feature: `reasoning_effort=${effort}`, value: effort });
      return undefined;
  }
}
