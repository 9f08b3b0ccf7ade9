// A canonical request as a Responses request body for an OpenAI upstream. Sampling settings the API lacks (top_k,
// stop sequences, seed, penalties) are refused; the answer is not stored at OpenAI (the client holds the history)
// and reasoning comes back encrypted so the next turn can carry it.

import { createHash } from 'node:crypto';
import type { CanonicalRequest, ReasoningRequest, ResponseFormat } from '../../canonical/request.js';
import { unsupportedFeature } from '../unsupported.js';
import { renderInput } from './canonical-to-input.js';
import { renderToolChoice, renderTools } from './canonical-to-tools.js';

/** OpenAI refuses `max_output_tokens` below 16 (`integer_below_min_value`); a smaller cap is raised to it. */
const MIN_OUTPUT_TOKENS = 16;
/** `safety_identifier` is at most 64 characters; a longer user id is sent as its hash. */
const SAFETY_IDENTIFIER_MAX = 64;

/** Serving hints a client of any format may carry under OpenAI's names, with the values OpenAI accepts. */
const HINTS: Readonly<Record<string, (value: unknown) => boolean>> = {
  prompt_cache_key: (value) => typeof value === 'string' && value.length <= 1024,
  prompt_cache_retention: (value) => value === 'in_memory' || value === '24h',
  service_tier: (value) =>
    value === 'auto' || value === 'default' || value === 'flex' || value === 'priority',
  truncation: (value) => value === 'auto' || value === 'disabled',
  metadata: isMetadata,
};

export function renderResponsesRequest(request: CanonicalRequest, model: string): Record<string, unknown> {
  refuseSampling(request);
  const body: Record<string, unknown> = { model, stream: request.stream };
  if (request.system.length > 0) body.instructions = request.system.map((part) => part.text).join('\n\n');
  body.input = renderInput(request.messages);
  if (request.tools.length > 0) body.tools = renderTools(request.tools);
  if (request.toolChoice !== undefined) body.tool_choice = renderToolChoice(request.toolChoice);
  if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  if (request.maxOutputTokens !== undefined)
    body.max_output_tokens = Math.max(MIN_OUTPUT_TOKENS, request.maxOutputTokens);
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.responseFormat !== undefined) body.text = { format: renderFormat(request.responseFormat) };
  const reasoning = renderReasoning(request.reasoning, request.hints['reasoning.summary']);
  if (reasoning !== undefined) body.reasoning = reasoning;
  body.store = typeof request.hints.store === 'boolean' ? request.hints.store : false;
  // Without storage, the reasoning of this turn reaches the next one only as its encrypted content.
  if (request.reasoning?.enabled === true && body.store === false)
    body.include = ['reasoning.encrypted_content'];
  for (const [name, valid] of Object.entries(HINTS))
    if (valid(request.hints[name])) body[name] = request.hints[name];
  if (request.user !== undefined) body.safety_identifier = safetyIdentifier(request.user);
  return body;
}

function refuseSampling(request: CanonicalRequest): void {
  const refused: [string, boolean][] = [
    ['top_k', request.topK !== undefined],
    ['stop sequences', (request.stopSequences?.length ?? 0) > 0],
    ['seed', request.seed !== undefined],
    ['presence_penalty', request.presencePenalty !== undefined],
    ['frequency_penalty', request.frequencyPenalty !== undefined],
  ];
  const found = refused.find(([, present]) => present);
  if (found) throw unsupportedFeature(found[0], 'openai-responses', 'the Responses API has no such setting');
}

function renderFormat(format: ResponseFormat): Record<string, unknown> {
  if (format.type === 'text') return { type: 'text' };
  if (format.schema === undefined) return { type: 'json_object' };
  // A schema's name must be 1 to 64 letters, digits, _ or -.
  const name = (format.name ?? 'response').replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'response';
  return { type: 'json_schema', name, schema: format.schema, strict: format.strict === true };
}

/**
 * An effort as asked, or read from a thinking budget (Claude Code's 4,000 / 10,000 / 31,999-token levels land on
 * low / medium / high). Reasoning turned off sends nothing: no effort value is accepted by every OpenAI model, and
 * non-reasoning models refuse the setting altogether.
 */
function renderReasoning(
  reasoning: ReasoningRequest | undefined,
  summaryHint: unknown,
): Record<string, unknown> | undefined {
  if (reasoning?.enabled !== true) return undefined;
  const budget = reasoning.budgetTokens;
  const effort =
    reasoning.effort ??
    (budget === undefined ? undefined : budget < 8_000 ? 'low' : budget < 16_000 ? 'medium' : 'high');
  const summary =
    reasoning.include !== true
      ? undefined
      : summaryHint === 'concise' || summaryHint === 'detailed'
        ? summaryHint
        : 'auto';
  if (effort === undefined && summary === undefined) return undefined;
  return { ...(effort === undefined ? {} : { effort }), ...(summary === undefined ? {} : { summary }) };
}

function safetyIdentifier(user: string): string {
  return user.length <= SAFETY_IDENTIFIER_MAX ? user : createHash('sha256').update(user).digest('hex');
}

/** OpenAI metadata: at most 16 string values, keys up to 64 characters, values up to 512. */
function isMetadata(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length <= 16 &&
    entries.every(([key, entry]) => key.length <= 64 && typeof entry === 'string' && entry.length <= 512)
  );
}
