// What a rendered request must respect that depends on the Claude model it asks for: the output ceiling a
// default may not exceed and which extended-thinking form the model accepts. Read from the model id alone.

export interface ClaudeVersion {
  major: number;
  minor: number;
}

/**
 * The version in a Claude model id, wherever the family word sits: `claude-sonnet-4-5-20250929` (4.5),
 * `claude-3-7-sonnet-20250219` (3.7), `claude-fable-5` (5.0), `us.anthropic.claude-opus-4-6-v1:0` (4.6).
 * An eight-digit date is not a version; an id without numbers (`claude-mythos-preview`) has none.
 */
export function claudeVersion(model: string): ClaudeVersion | undefined {
  const numbers = model
    .split(/[-.:@_/]/)
    .filter((token) => /^\d{1,2}$/.test(token))
    .map(Number);
  const [major, minor] = numbers;
  if (major === undefined) return undefined;
  return { major, minor: minor ?? 0 };
}

function atLeast(version: ClaudeVersion | undefined, major: number, minor: number): boolean {
  if (!version) return false;
  return version.major > major || (version.major === major && version.minor >= minor);
}

/**
 * `max_tokens` when the client set no output limit. Anthropic requires the field and rejects a value above the
 * model's ceiling, so the default is the largest one every model of the generation accepts: Claude 3 models
 * stop at 4,096 (3.5 at 8,192); from Claude 3.7 on, every model takes at least 32,000 (Opus 4 and 4.1 stop
 * there), which leaves room for an answer the client did not expect to be cut, and for thinking.
 */
export function defaultMaxTokens(model: string): number {
  const version = claudeVersion(model);
  if (version && version.major < 3) return 4_096;
  if (version?.major === 3 && version.minor < 5) return 4_096;
  if (version?.major === 3 && version.minor < 7) return 8_192;
  return 32_000;
}

/**
 * Which thinking settings the model takes. Adaptive thinking (`{type:"adaptive"}` with `output_config.effort`)
 * arrived with Claude 4.6, where budgets still work; from 4.7 on (and Mythos, whose id has no version) a
 * budget (`enabled`) and `disabled` are refused, and older models know budgets only.
 */
export type ThinkingForms = 'budget-only' | 'both' | 'adaptive-only';

export function thinkingForms(model: string): ThinkingForms {
  const version = claudeVersion(model);
  if (!version) return /mythos/i.test(model) ? 'adaptive-only' : 'budget-only';
  if (atLeast(version, 4, 7)) return 'adaptive-only';
  if (atLeast(version, 4, 6)) return 'both';
  return 'budget-only';
}
