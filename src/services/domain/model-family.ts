// The Claude model family of a model name: limits and rate-limit scopes are kept per family. Google keeps its
// quotas per model, so a Gemini model's rate-limit scope is the model itself.
import { platformOfModel } from './model-platforms.js';
import type { ModelFamily } from './platforms.js';

export function modelFamily(model: string): ModelFamily | undefined {
  const lower = model.toLowerCase();
  if (lower.includes('opus')) return 'opus';
  if (lower.includes('sonnet')) return 'sonnet';
  if (lower.includes('haiku')) return 'haiku';
  return undefined;
}

/**
 * What an upstream's limit can be scoped to short of the whole account: a Claude family (Opus weekly limits),
 * or a Gemini model (each has its own quota). Undefined for models whose limits are the account's.
 */
export function rateLimitScope(model: string): string | undefined {
  return modelFamily(model) ?? (platformOfModel(model) === 'gemini' ? model.toLowerCase() : undefined);
}
