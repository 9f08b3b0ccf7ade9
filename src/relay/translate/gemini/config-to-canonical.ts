// A Gemini client's `generationConfig` onto the canonical request: sampling, output format and thinking. What
// only Gemini can do (several candidates, audio or image output, log-probabilities) is refused by name.
import type {
  CanonicalRequest,
  ReasoningEffort,
  ReasoningRequest,
  ResponseFormat,
} from '../../canonical/request.js';
import { jsonSchemaOf } from './schema.js';
import {
  fieldError,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
  optionalStrings,
} from './wire-read.js';

const FIELD = 'generationConfig';

/** Fields read into the canonical request, and fields that only tune serving (kept as hints). */
const READ = new Set([
  'maxOutputTokens',
  'temperature',
  'topP',
  'topK',
  'stopSequences',
  'seed',
  'presencePenalty',
  'frequencyPenalty',
  'responseMimeType',
  'responseSchema',
  'responseJsonSchema',
  'thinkingConfig',
  'candidateCount',
  'responseModalities',
]);
const HINTS = new Set(['mediaResolution', 'enableEnhancedCivicAnswers']);

const EFFORTS: Readonly<Record<string, ReasoningEffort>> = {
  MINIMAL: 'minimal',
  LOW: 'low',
  MEDIUM: 'medium',
  HIGH: 'high',
};

export function applyGenerationConfig(request: CanonicalRequest, value: unknown): void {
  const config = optionalObject(value, FIELD);
  if (!config) return;
  for (const [key, setting] of Object.entries(config)) {
    // An explicit `false` (`responseLogprobs: false`) asks for nothing.
    if (setting === undefined || setting === null || setting === false || READ.has(key)) continue;
    if (HINTS.has(key)) request.hints[`${FIELD}.${key}`] = setting;
    else request.unsupported.push({ feature: `${FIELD}.${key}`, value: setting });
  }
  const number = (key: string) => optionalNumber(config[key], `${FIELD}.${key}`);
  const maxOutputTokens = number('maxOutputTokens');
  if (maxOutputTokens !== undefined) request.maxOutputTokens = maxOutputTokens;
  const temperature = number('temperature');
  if (temperature !== undefined) request.temperature = temperature;
  const topP = number('topP');
  if (topP !== undefined) request.topP = topP;
  const topK = number('topK');
  if (topK !== undefined) request.topK = topK;
  const seed = number('seed');
  if (seed !== undefined) request.seed = seed;
  const presencePenalty = number('presencePenalty');
  if (presencePenalty !== undefined) request.presencePenalty = presencePenalty;
  const frequencyPenalty = number('frequencyPenalty');
  if (frequencyPenalty !== undefined) request.frequencyPenalty = frequencyPenalty;
  const stopSequences = optionalStrings(config.stopSequences, `${FIELD}.stopSequences`);
  if (stopSequences !== undefined && stopSequences.length > 0) request.stopSequences = stopSequences;

  const candidates = number('candidateCount');
  if (candidates !== undefined && candidates > 1) {
    request.unsupported.push({ feature: `${FIELD}.candidateCount`, value: candidates });
  }
  const modalities = optionalStrings(config.responseModalities, `${FIELD}.responseModalities`) ?? [];
  if (modalities.some((modality) => modality !== 'TEXT')) {
    request.unsupported.push({ feature: `${FIELD}.responseModalities`, value: modalities });
  }
  const format = responseFormat(config, request);
  if (format) request.responseFormat = format;
  const reasoning = reasoningOf(config.thinkingConfig);
  if (reasoning) request.reasoning = reasoning;
}

function responseFormat(
  config: Record<string, unknown>,
  request: CanonicalRequest,
): ResponseFormat | undefined {
  const mimeType = optionalString(config.responseMimeType, `${FIELD}.responseMimeType`);
  const schema = config.responseJsonSchema ?? config.responseSchema;
  const hasSchema = schema !== undefined && schema !== null;
  if (mimeType === 'application/json' || (mimeType === undefined && hasSchema)) {
    return hasSchema ? { type: 'json', schema: jsonSchemaOf(schema) } : { type: 'json' };
  }
  if (mimeType === undefined || mimeType === 'text/plain') return mimeType ? { type: 'text' } : undefined;
  // `text/x.enum` (one value of a schema's enum) and other types have no canonical form.
  request.unsupported.push({ feature: `${FIELD}.responseMimeType`, value: mimeType });
  return undefined;
}

/**
 * `thinkingConfig`: a budget of 0 turns thinking off and -1 leaves it to the model; `thinkingLevel` (Gemini 3)
 * is an effort; `includeThoughts` asks to see the thought summaries.
 */
function reasoningOf(value: unknown): ReasoningRequest | undefined {
  const field = `${FIELD}.thinkingConfig`;
  const config = optionalObject(value, field);
  if (!config) return undefined;
  const budget = optionalNumber(config.thinkingBudget, `${field}.thinkingBudget`);
  const level = optionalString(config.thinkingLevel, `${field}.thinkingLevel`);
  const include = optionalBoolean(config.includeThoughts, `${field}.includeThoughts`);
  const effort = level === undefined ? undefined : EFFORTS[level.toUpperCase()];
  if (level !== undefined && effort === undefined && level !== 'THINKING_LEVEL_UNSPECIFIED') {
    throw fieldError(`${field}.thinkingLevel`, 'must be one of MINIMAL, LOW, MEDIUM, HIGH');
  }
  return {
    enabled: budget !== 0,
    ...(effort === undefined ? {} : { effort }),
    ...(budget !== undefined && budget > 0 ? { budgetTokens: budget } : {}),
    ...(include === undefined ? {} : { include }),
  };
}
