// A Responses client's request (Codex, the openai SDK) as a canonical request. Every top-level field is either
// read into a canonical field, kept as a serving hint under its own name, or recorded as unsupported: a field
// this reader does not know might change the answer, so it is refused rather than dropped.
import type {
  CanonicalRequest,
  ReasoningEffort,
  ReasoningRequest,
  ResponseFormat,
  UnsupportedFeature,
} from '../../canonical/request.js';
import { sortOtherFields } from '../other-fields.js';
import {
  invalidField,
  optionalArray,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
} from './body-fields.js';
import { readInput } from './input-to-canonical.js';
import { readToolChoice, readTools } from './tools-to-canonical.js';

/** Fields that only tune how OpenAI serves or stores the answer. */
const HINT_FIELDS = new Set([
  'store',
  'include',
  'prompt_cache_key',
  'prompt_cache_retention',
  'metadata',
  'user',
  'safety_identifier',
  'service_tier',
  'truncation',
  'client_metadata',
  'stream_options',
]);

/** Fields read below, or whose default value changes nothing. */
const READ_FIELDS = new Set([
  ...HINT_FIELDS,
  ...['model', 'stream', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls'],
  ...['max_output_tokens', 'temperature', 'top_p', 'reasoning', 'text', 'background', 'top_logprobs'],
]);

const EFFORTS: readonly ReasoningEffort[] = ['minimal', 'low', 'medium', 'high'];

function isEffort(value: string | undefined): value is ReasoningEffort {
  return EFFORTS.some((effort) => effort === value);
}

export function readResponsesRequest(
  body: Record<string, unknown>,
  model: string,
  stream: boolean,
): CanonicalRequest {
  // Among the rest: previous_response_id, conversation and prompt, which name what only OpenAI stores.
  const { hints, unsupported } = sortOtherFields(body, READ_FIELDS, HINT_FIELDS);
  const include = optionalArray(body.include, 'include') ?? [];
  if (include.includes('message.output_text.logprobs')) {
    unsupported.push({ feature: 'include=message.output_text.logprobs', value: body.include });
  }
  if (optionalBoolean(body.background, 'background') === true)
    unsupported.push({ feature: 'background', value: true });
  const topLogprobs = optionalNumber(body.top_logprobs, 'top_logprobs');
  if (topLogprobs !== undefined && topLogprobs > 0)
    unsupported.push({ feature: 'top_logprobs', value: topLogprobs });

  const instructions = optionalString(body.instructions, 'instructions');
  const input = readInput(body.input, unsupported);
  const user =
    optionalString(body.user, 'user') ?? optionalString(body.safety_identifier, 'safety_identifier');
  const toolChoice = readToolChoice(body.tool_choice, unsupported);
  const parallelToolCalls = optionalBoolean(body.parallel_tool_calls, 'parallel_tool_calls');
  const maxOutputTokens = optionalNumber(body.max_output_tokens, 'max_output_tokens');
  const temperature = optionalNumber(body.temperature, 'temperature');
  const topP = optionalNumber(body.top_p, 'top_p');
  const responseFormat = readText(body.text, unsupported, hints);
  const reasoning = readReasoning(body.reasoning, unsupported, hints);
  return {
    model,
    stream,
    system: [...(instructions ? [{ type: 'text' as const, text: instructions }] : []), ...input.system],
    messages: input.messages,
    tools: readTools(body.tools, unsupported),
    ...(toolChoice === undefined ? {} : { toolChoice }),
    ...(parallelToolCalls === undefined ? {} : { parallelToolCalls }),
    ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
    ...(temperature === undefined ? {} : { temperature }),
    ...(topP === undefined ? {} : { topP }),
    ...(responseFormat === undefined ? {} : { responseFormat }),
    ...(reasoning === undefined ? {} : { reasoning }),
    ...(user === undefined ? {} : { user }),
    hints,
    unsupported,
  };
}

/** `text.format` is the answer's format; `text.verbosity` other than the default has no canonical field. */
function readText(
  value: unknown,
  unsupported: UnsupportedFeature[],
  hints: Record<string, unknown>,
): ResponseFormat | undefined {
  const text = optionalObject(value, 'text');
  if (!text) return undefined;
  const verbosity = optionalString(text.verbosity, 'text.verbosity');
  if (verbosity === 'medium') hints['text.verbosity'] = verbosity;
  else if (verbosity !== undefined) unsupported.push({ feature: 'text.verbosity', value: verbosity });
  const format = optionalObject(text.format, 'text.format');
  switch (format?.type) {
    case undefined:
      return undefined;
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json' };
    case 'json_schema': {
      const schema = optionalObject(format.schema, 'text.format.schema');
      const name = optionalString(format.name, 'text.format.name');
      const strict = optionalBoolean(format.strict, 'text.format.strict');
      if (!schema) throw invalidField('text.format.schema', 'field required (a JSON schema object)');
      return {
        type: 'json',
        schema,
        ...(name === undefined ? {} : { name }),
        ...(strict === undefined ? {} : { strict }),
      };
    }
    default:
      throw invalidField('text.format.type', 'must be one of text, json_object, json_schema');
  }
}

/**
 * A reasoning setting means a reasoning model: `effort: none` turns reasoning off, any summary setting asks to
 * see it. Efforts above `high` (`xhigh`) have no canonical value.
 */
function readReasoning(
  value: unknown,
  unsupported: UnsupportedFeature[],
  hints: Record<string, unknown>,
): ReasoningRequest | undefined {
  const reasoning = optionalObject(value, 'reasoning');
  if (!reasoning) return undefined;
  const effort = optionalString(reasoning.effort, 'reasoning.effort');
  const summary =
    optionalString(reasoning.summary, 'reasoning.summary') ??
    optionalString(reasoning.generate_summary, 'reasoning.generate_summary');
  if (summary !== undefined) hints['reasoning.summary'] = summary;
  if (effort === 'none') return { enabled: false };
  if (effort !== undefined && !isEffort(effort)) {
    unsupported.push({ feature: `reasoning.effort=${effort}`, value: effort });
  }
  return {
    enabled: true,
    ...(isEffort(effort) ? { effort } : {}),
    ...(summary === undefined ? {} : { include: true }),
  };
}
