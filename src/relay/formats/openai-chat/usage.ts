// Reads a Chat Completions `usage` object into our TokenUsage. OpenAI counts cached tokens inside
// `prompt_tokens` and reasoning tokens inside `completion_tokens`; the ledger keeps input without cache reads.
import type { TokenUsage } from '../../../services/usage/usage-types.js';
import { lastObjectField } from '../../stream/json-tail-object.js';
import { count, record } from '../json-values.js';

/** Undefined when the value is not a usage object with at least its prompt and completion counts. */
export function chatUsage(value: unknown): TokenUsage | undefined {
  const usage = record(value);
  const prompt = count(usage?.prompt_tokens);
  const completion = count(usage?.completion_tokens);
  if (!usage || prompt === undefined || completion === undefined) return undefined;
  const cached = Math.min(prompt, count(record(usage.prompt_tokens_details)?.cached_tokens) ?? 0);
  const reasoning = count(record(usage.completion_tokens_details)?.reasoning_tokens);
  return {
    input: prompt - cached,
    output: completion,
    cacheRead: cached,
    cacheWrite5m: 0,
    cacheWrite1h: 0,
    ...(reasoning === undefined ? {} : { reasoning }),
  };
}

/** Usage of a complete chat completion: its top-level `usage` comes last, so the tail is read first. */
export function chatUsageFromBody(text: string): TokenUsage | undefined {
  const tail = chatUsage(lastObjectField(text, 'usage'));
  if (tail) return tail;
  try {
    return chatUsage(record(JSON.parse(text))?.usage);
  } catch {
    return undefined;
  }
}
