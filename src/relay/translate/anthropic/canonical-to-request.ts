// The canonical request → an Anthropic Messages request body the API accepts. What the Messages API cannot
// express (a seed, penalties, JSON mode without a schema, …) is refused by name rather than left out.

import type { CanonicalRequest } from '../../canonical/request.js';
import { hoistSystemMessages } from '../../canonical/system-messages.js';
import { unsupportedFeature } from '../unsupported.js';
import { messagesToAnthropic, systemToAnthropic } from './canonical-to-messages.js';
import { checkThinkingSampling, thinkingToAnthropic } from './canonical-to-thinking.js';
import { toolsToAnthropic } from './canonical-to-tools.js';
import { defaultMaxTokens } from './model-rules.js';
import { cacheControlOf, type WireMessage } from './wire.js';

const SERVICE_TIERS = new Set(['auto', 'standard_only']);

function refuseInexpressible(request: CanonicalRequest): void {
  if (request.seed !== undefined) {
    throw unsupportedFeature('seed', 'anthropic', 'the Messages API has no seed');
  }
  if (request.presencePenalty !== undefined && request.presencePenalty !== 0) {
    throw unsupportedFeature('presencePenalty', 'anthropic', 'the Messages API has no penalties');
  }
  if (request.frequencyPenalty !== undefined && request.frequencyPenalty !== 0) {
    throw unsupportedFeature('frequencyPenalty', 'anthropic', 'the Messages API has no penalties');
  }
  if (request.responseFormat?.type === 'json' && request.responseFormat.schema === undefined) {
    throw unsupportedFeature(
      'responseFormat=json without a schema',
      'anthropic',
      'structured output needs a JSON Schema',
    );
  }
}

function toolNamesCalled(messages: readonly WireMessage[]): Set<string> {
  const names = new Set<string>();
  for (const message of messages) {
    if (message.role !== 'assistant') continue;
    for (const block of message.content) if (block.type === 'tool_use') names.add(block.name);
  }
  return names;
}

/** Whether the last assistant turn may be followed by a thinking one: its tool calls come after thinking. */
function lastToolTurnThought(messages: readonly WireMessage[]): boolean {
  const last = messages.findLast((message) => message.role === 'assistant');
  if (!last?.content.some((block) => block.type === 'tool_use')) return true;
  const first = last.content[0]?.type;
  return first === 'thinking' || first === 'redacted_thinking';
}

/** Serving settings an Anthropic client set, where they are ones the API takes. */
function servingHints(hints: Record<string, unknown>): Record<string, unknown> {
  const cacheControl = cacheControlOf(hints.cache_control);
  const tier = hints.service_tier;
  return {
    ...(cacheControl ? { cache_control: cacheControl } : {}),
    ...(typeof tier === 'string' && SERVICE_TIERS.has(tier) ? { service_tier: tier } : {}),
  };
}

export function canonicalToAnthropicRequest(
  request: CanonicalRequest,
  model: string,
): Record<string, unknown> {
  refuseInexpressible(request);
  const maxTokens = request.maxOutputTokens ?? defaultMaxTokens(model);
  // Anthropic's public API takes instructions before the conversation only.
  const conversation = hoistSystemMessages(request);
  const messages = messagesToAnthropic(conversation.messages);
  const system = systemToAnthropic(conversation.system);
  const rendered = thinkingToAnthropic(request, model, maxTokens, lastToolTurnThought(messages));
  if (rendered.thinks) checkThinkingSampling(request);
  const tools = toolsToAnthropic(request, toolNamesCalled(messages));
  const format = request.responseFormat?.type === 'json' ? request.responseFormat.schema : undefined;
  const outputConfig = {
    ...(rendered.effort ? { effort: rendered.effort } : {}),
    ...(format ? { format: { type: 'json_schema', schema: format } } : {}),
  };
  return {
    model,
    max_tokens: maxTokens,
    ...(system.length > 0 ? { system } : {}),
    messages,
    ...tools,
    ...(rendered.thinking ? { thinking: rendered.thinking } : {}),
    ...(Object.keys(outputConfig).length > 0 ? { output_config: outputConfig } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.topP !== undefined ? { top_p: request.topP } : {}),
    ...(request.topK !== undefined ? { top_k: request.topK } : {}),
    ...(request.stopSequences && request.stopSequences.length > 0
      ? { stop_sequences: request.stopSequences }
      : {}),
    ...(request.user !== undefined ? { metadata: { user_id: request.user } } : {}),
    ...servingHints(request.hints),
    stream: request.stream,
  };
}
