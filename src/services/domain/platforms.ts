// The upstream platforms (account pools) and the AI clients a key can be restricted to.
export const PLATFORMS = ['claude', 'gemini', 'openai', 'azure', 'droid'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const CLIENT_KINDS = ['claude-code', 'codex', 'gemini-cli', 'droid'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];

export const MODEL_FAMILIES = ['opus', 'sonnet', 'haiku'] as const;
export type ModelFamily = (typeof MODEL_FAMILIES)[number];
