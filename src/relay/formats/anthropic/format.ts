// The Anthropic Messages format: what the pipeline needs to serve its clients (Claude Code, the Anthropic SDK).
import type { RelayFormat } from '../relay-format.js';
import { capAnthropicOutput, measureAnthropicInput } from './budget.js';
import { anthropicErrors } from './errors.js';
import { anthropicModelListing } from './model-list.js';
import { parseAnthropicRequest } from './request.js';
import { anthropicSessionId } from './session.js';
import { AnthropicStreamTap } from './stream-tap.js';
import { anthropicUsageFromBody } from './usage.js';

export const anthropicFormat: RelayFormat = {
  name: 'anthropic',
  errors: anthropicErrors,
  parse: (raw) => parseAnthropicRequest(raw),
  sessionId: anthropicSessionId,
  measureInput: (raw, info) => measureAnthropicInput(raw, info.body),
  capOutput: (raw, info, maxTokens) => capAnthropicOutput(raw, info.body, maxTokens),
  createTap: () => new AnthropicStreamTap(),
  usageFromBody: anthropicUsageFromBody,
  // The account's own list is passed through, except to a caller that may not use all of it.
  restrictedModels: anthropicModelListing,
  testBody: (model) =>
    Buffer.from(JSON.stringify({ model, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] })),
};
