// The canonical request's sampling, output format and reasoning as Gemini's `generationConfig`. Gemini needs
// no output limit (it defaults to the model's own), allows at most five stop sequences, and takes thinking as a
// token budget (Gemini 2.5) or a level (Gemini 3); each family has its own limits, kept here so that a request
// asking for something a model cannot do still gets the nearest thing it can.
import type { CanonicalRequest, ReasoningEffort, ReasoningRequest } from '../../canonical/request.js';
import { unsupportedFeature } from '../unsupported.js';

const MAX_STOP_SEQUENCES = 5;

/** Thinking budgets for an effort on a budget-only model, inside every Gemini 2.5 model's range. */
const EFFORT_BUDGETS: Readonly<Record<ReasoningEffort, number>> = {
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24_576,
};

interface ThinkingFamily {
  /** Gemini 3 on: thinking is a level, and cannot be turned off. */
  levels: boolean;
  /** Pro models think always (2.5 Pro from 128 tokens) and have no MINIMAL level (3 Pro). */
  pro: boolean;
  /** The budget range (https://ai.google.dev/gemini-api/docs/thinking): 2.5 Pro 128–32768, Flash 0–24576, Flash-Lite 512–24576. */
  min: number;
  max: number;
}

export function renderGenerationConfig(request: CanonicalRequest, model: string): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  if (request.maxOutputTokens !== undefined) config.maxOutputTokens = request.maxOutputTokens;
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.topK !== undefined) config.topK = request.topK;
  if (request.stopSequences !== undefined && request.stopSequences.length > 0) {
    if (request.stopSequences.length > MAX_STOP_SEQUENCES) {
      throw unsupportedFeature('more than 5 stop sequences', 'gemini');
    }
    config.stopSequences = request.stopSequences;
  }
  if (request.seed !== undefined) config.seed = request.seed;
  if (request.presencePenalty !== undefined) config.presencePenalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) config.frequencyPenalty = request.frequencyPenalty;
  if (request.responseFormat?.type === 'json') {
    config.responseMimeType = 'application/json';
    // Full JSON Schema: Google reads `responseJsonSchema` as JSON Schema, with no subset to strip to.
    if (request.responseFormat.schema) config.responseJsonSchema = request.responseFormat.schema;
  }
  // A Gemini client's own serving hint, where the request came from one.
  const resolution = request.hints['generationConfig.mediaResolution'];
  if (typeof resolution === 'string') config.mediaResolution = resolution;
  if (request.reasoning) config.thinkingConfig = thinkingConfig(request.reasoning, familyOf(model));
  return config;
}

function familyOf(model: string): ThinkingFamily {
  const version = /gemini-(\d+)/.exec(model);
  const major = version ? Number(version[1]) : 0;
  const pro = /-pro\b/.test(model);
  if (major >= 3) return { levels: true, pro, min: 1, max: 32_768 };
  if (pro) return { levels: false, pro, min: 128, max: 32_768 };
  return { levels: false, pro, min: /flash-lite/.test(model) ? 512 : 1, max: 24_576 };
}

function thinkingConfig(reasoning: ReasoningRequest, family: ThinkingFamily): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  if (reasoning.include !== undefined) config.includeThoughts = reasoning.include && reasoning.enabled;
  if (!reasoning.enabled) {
    // Off where a model allows it; the least thinking where it does not.
    if (family.levels) config.thinkingLevel = family.pro ? 'LOW' : 'MINIMAL';
    else config.thinkingBudget = family.pro ? family.min : 0;
    return config;
  }
  if (reasoning.budgetTokens !== undefined) {
    // Gemini 3 still takes a budget (Google keeps it for older clients); one field of the two, never both.
    config.thinkingBudget = Math.min(family.max, Math.max(family.min, Math.floor(reasoning.budgetTokens)));
    return config;
  }
  if (reasoning.effort !== undefined) {
    if (family.levels) config.thinkingLevel = levelOf(reasoning.effort, family.pro);
    else config.thinkingBudget = Math.min(family.max, Math.max(family.min, EFFORT_BUDGETS[reasoning.effort]));
  }
  return config;
}

function levelOf(effort: ReasoningEffort, pro: boolean): string {
  if (effort === 'minimal') return pro ? 'LOW' : 'MINIMAL';
  return effort.toUpperCase();
}
