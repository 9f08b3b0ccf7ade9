// Reads Gemini's `usageMetadata` into our TokenUsage. Google counts cached tokens inside `promptTokenCount`
// and thinking tokens outside `candidatesTokenCount` (billed at the output rate); tool-use prompt tokens are
// input of their own. In a stream every chunk carries the cumulative figures, so the last one is the answer's.
import type { TokenUsage } from '../../../services/usage/usage-types.js';
import { lastObjectField } from '../../stream/json-tail-object.js';
import { count, record } from '../json-values.js';

/** Undefined when the value is not a usage object with at least its prompt count. */
export function geminiUsage(value: unknown): TokenUsage | undefined {
  const usage = record(value);
  const prompt = count(usage?.promptTokenCount);
  if (!usage || prompt === undefined) return undefined;
  const cached = Math.min(prompt, count(usage.cachedContentTokenCount) ?? 0);
  const thoughts = count(usage.thoughtsTokenCount);
  return {
    input: prompt - cached + (count(usage.toolUsePromptTokenCount) ?? 0),
    output: (count(usage.candidatesTokenCount) ?? 0) + (thoughts ?? 0),
    cacheRead: cached,
    cacheWrite5m: 0,
    cacheWrite1h: 0,
    ...(thoughts === undefined ? {} : { reasoning: thoughts }),
  };
}

/** Usage of a complete answer: its `usageMetadata` comes after the candidates, so the last one is read. */
export function geminiUsageFromBody(text: string): TokenUsage | undefined {
  const tail = geminiUsage(lastObjectField(text, 'usageMetadata'));
  if (tail) return tail;
  try {
    return geminiUsage(record(JSON.parse(text))?.usageMetadata);
  } catch {
    return undefined;
  }
}
