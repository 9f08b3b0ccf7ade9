// Anthropic's models-list shape (`{data: [{type, id, display_name, created_at}], has_more, first_id,
// last_id}`), drawn by the relay when the account's own list would show models the caller may not use.
// Claude Code's gateway model discovery keys its model families on the `claude-{family}-{major}-{minor}` ids.
import type { ListedModel } from '../../../services/models/model-directory.js';
import type { ModelListing } from '../relay-format.js';

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
