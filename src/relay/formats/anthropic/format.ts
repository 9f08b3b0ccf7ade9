// The Anthropic Messages format: what the pipeline needs to serve its clients (Claude Code, the Anthropic SDK).
import type { ListedModel } from '../../../services/models/model-directory.js';
import type { ModelListing, RelayFormat } from '../relay-format.js';
import { capAnthropicOutput, measureAnthropicInput } from './budget.js';
import { anthropicErrors } from './errors.js';
import { parseAnthropicRequest } from './request.js';
import { anthropicSessionId } from './session.js';
import { AnthropicStreamTap } from './stream-tap.js';
import { anthropicUsageFromBody } from './usage.js';

// Anthropic's models-list shape (`{data: [{type, id, display_name, created_at}], has_more, first_id, last_id}`),
// drawn by the relay when the account's own list would show models the caller may not use. Claude Code's
// gateway model discovery keys its model families on the `claude-{family}-{major}-{minor}` ids.
/** `claude-sonnet-4-5-20250929` → `Claude Sonnet 4.5`; other ids are shown as they are. */
export function displayName(id: string): string {
  const match = /^claude-([a-z]+)-(\d+)(?:-(\d{1,2}))?(?:-\d{8})?$/.exec(id);
  if (!match) return id;
  const [, family = '', major, minor] = match;
  return `Claude ${family.charAt(0).toUpperCase()}${family.slice(1)} ${major}${minor === undefined ? '' : `.${minor}`}`;
}

function anthropicModel(model: ListedModel) {
  return {
    type: 'model',
    id: model.id,
    display_name: displayName(model.id),
    created_at: new Date(model.since).toISOString(),
  };
}

export const anthropicModelListing: ModelListing = {
  list: (models) => ({
    data: models.map(anthropicModel),
    has_more: false,
    first_id: models[0]?.id ?? null,
    last_id: models.at(-1)?.id ?? null,
  }),
  entry: anthropicModel,
};

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
