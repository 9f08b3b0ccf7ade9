// An Anthropic Messages request → the canonical request. Fields that only tune serving are kept as hints by
// their Anthropic names; fields that change the answer and have no canonical field are recorded as unsupported.
import type {
  CanonicalRequest,
  ReasoningEffort,
  ReasoningRequest,
  ResponseFormat,
  UnsupportedFeature,
} from '../../canonical/request.js';
import { record } from '../../formats/json-values.js';
import { sortOtherFields } from '../other-fields.js';
import { messagesToCanonical, systemToCanonical } from './messages-to-canonical.js';
import { toolChoiceToCanonical, toolsToCanonical } from './tools-to-canonical.js';
import { invalidField } from './wire.js';

/** Read into canonical fields below (`model` and `stream` are read by the relay). */
const READ = new Set([
  'model',
  'stream',
  'max_tokens',
  'messages',
  'system',
  'tools',
  'tool_choice',
  'thinking',
  'temperature',
  'top_p',
  'top_k',
  'stop_sequences',
  'metadata',
  'output_config',
]);

/**
 * How the request is served, not what it answers: cache breakpoints, capacity tier, region, speed, cache
 * diagnostics, and context editing (which only trims old tool results or thinking once the context fills).
 */
const HINTS = new Set([
  'cache_control',
  'service_tier',
  'context_management',
  'inference_geo',
  'speed',
  'diagnostics',
]);

const EFFORTS: readonly ReasoningEffort[] = ['low', 'medium', 'high'];

function optionalNumber(body: Record<string, unknown>, name: string): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidField(name, 'must be a number');
  return value;
}

function stopSequences(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw invalidField('stop_sequences', 'must be an array of strings');
  }
  return value;
}

function reasoningOf(
  body: Record<string, unknown>,
  unsupported: UnsupportedFeature[],
): ReasoningRequest | undefined {
  const config = record(body.output_config);
  const effortValue = config?.effort;
  let effort: ReasoningEffort | undefined;
  if (EFFORTS.includes(effortValue as ReasoningEffort)) effort = effortValue as ReasoningEffort;
  else if (effortValue !== undefined && effortValue !== null) {
    // `xhigh` and `max` go past the canonical scale's top.
    unsupported.push({ feature: `output_config.effort=${String(effortValue)}`, value: effortValue });
  }
  const withEffort = effort ? { effort } : {};
  const thinking = body.thinking;
  if (thinking === undefined || thinking === null) {
    // Effort without thinking tunes only the answer's length and tool use: thinking stays off.
    return effort ? { enabled: false, effort } : undefined;
  }
  const settings = record(thinking);
  if (!settings) throw invalidField('thinking', 'must be an object');
  const include = settings.display === 'omitted' ? { include: false } : { include: true };
  switch (settings.type) {
    case 'enabled': {
      const budget = settings.budget_tokens;
      if (typeof budget !== 'number' || !Number.isInteger(budget) || budget < 0) {
        throw invalidField('thinking.budget_tokens', 'field required (a whole number of tokens)');
      }
      return { enabled: true, budgetTokens: budget, ...include, ...withEffort };
    }
    case 'adaptive':
      return { enabled: true, ...include, ...withEffort };
    case 'disabled':
      return { enabled: false, ...withEffort };
    default:
      unsupported.push({ feature: `thinking.type=${String(settings.type)}`, value: thinking });
      return undefined;
  }
}

function responseFormatOf(
  body: Record<string, unknown>,
  unsupported: UnsupportedFeature[],
): ResponseFormat | undefined {
  const config = body.output_config;
  if (config === undefined || config === null) return undefined;
  const fields = record(config);
  if (!fields) throw invalidField('output_config', 'must be an object');
  for (const key of Object.keys(fields)) {
    if (key !== 'effort' && key !== 'format') {
      unsupported.push({ feature: `output_config.${key}`, value: fields[key] });
    }
  }
  const format = record(fields.format);
  if (!format) return undefined;
  const schema = record(format.schema);
  if (format.type !== 'json_schema' || !schema) {
    unsupported.push({ feature: `output_config.format.type=${String(format.type)}`, value: format });
    return undefined;
  }
  return { type: 'json', schema };
}

export function anthropicToCanonicalRequest(
  body: Record<string, unknown>,
  model: string,
  stream: boolean,
): CanonicalRequest {
  // Containers and MCP servers are Anthropic-run environments; anything unknown may change the answer too.
  const { hints, unsupported } = sortOtherFields(body, READ, HINTS);
  const metadata = record(body.metadata) ?? {};
  const userId = typeof metadata.user_id === 'string' ? metadata.user_id : undefined;
  const otherMetadata = Object.entries(metadata).filter(([key]) => key !== 'user_id' || userId === undefined);
  if (otherMetadata.length > 0) hints.metadata = Object.fromEntries(otherMetadata);

  const maxTokens = optionalNumber(body, 'max_tokens');
  const temperature = optionalNumber(body, 'temperature');
  const topP = optionalNumber(body, 'top_p');
  const topK = optionalNumber(body, 'top_k');
  const stop = stopSequences(body.stop_sequences);
  const reasoning = reasoningOf(body, unsupported);
  const responseFormat = responseFormatOf(body, unsupported);
  const { toolChoice, parallelToolCalls } = toolChoiceToCanonical(body.tool_choice);
  return {
    model,
    stream,
    system: systemToCanonical(body.system),
    messages: messagesToCanonical(body.messages, unsupported),
    tools: toolsToCanonical(body.tools, unsupported),
    ...(toolChoice ? { toolChoice } : {}),
    ...(parallelToolCalls !== undefined ? { parallelToolCalls } : {}),
    ...(maxTokens !== undefined ? { maxOutputTokens: maxTokens } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(topP !== undefined ? { topP } : {}),
    ...(topK !== undefined ? { topK } : {}),
    ...(stop ? { stopSequences: stop } : {}),
    ...(responseFormat ? { responseFormat } : {}),
    ...(reasoning ? { reasoning } : {}),
    ...(userId !== undefined ? { user: userId } : {}),
    hints,
    unsupported,
  };
}
