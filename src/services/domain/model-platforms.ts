// Which pool a model belongs to: one table of model families, read wherever a request's model decides its
// platform (the route that serves it, the key's platform restriction, the key's binding for that platform).
import { matchesModelPattern } from './model-patterns.js';
import type { Platform } from './platforms.js';

export interface ModelPlatformRow {
  /** A model name or `prefix*`, in lower case: a model is compared without case. */
  pattern: string;
  platform: Platform;
}

/**
 * The families each provider publishes today. Azure serves OpenAI's models, but as a pool of its own that
 * clients choose by route (`/azure/...`), so no family names it.
 */
export const MODEL_PLATFORMS: readonly ModelPlatformRow[] = [
  { pattern: 'claude-*', platform: 'claude' },
  { pattern: 'gpt-*', platform: 'openai' },
  { pattern: 'chatgpt-*', platform: 'openai' },
  { pattern: 'codex-*', platform: 'openai' },
  { pattern: 'o1*', platform: 'openai' },
  { pattern: 'o3*', platform: 'openai' },
  { pattern: 'o4*', platform: 'openai' },
  // Fine-tuned OpenAI models: `ft:gpt-4o-mini:org::id`.
  { pattern: 'ft:*', platform: 'openai' },
  { pattern: 'gemini-*', platform: 'gemini' },
  { pattern: 'gemma-*', platform: 'gemini' },
];

/** The pool a model belongs to; undefined for a family no row names. */
export function platformOfModel(model: string): Platform | undefined {
  const name = model.toLowerCase();
  for (const row of MODEL_PLATFORMS) if (matchesModelPattern(name, row.pattern)) return row.platform;
  return undefined;
}
