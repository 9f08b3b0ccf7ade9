// The Claude model family of a model name: limits and rate-limit scopes are kept per family.
import type { ModelFamily } from './platforms.js';

export function modelFamily(model: string): ModelFamily | undefined {
  const lower = model.toLowerCase();
  if (lower.includes('opus')) return 'opus';
  if (lower.includes('sonnet')) return 'sonnet';
  if (lower.includes('haiku')) return 'haiku';
  return undefined;
}
