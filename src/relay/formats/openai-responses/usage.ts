// Reads a Responses `usage` object into our TokenUsage. OpenAI counts cached tokens inside `input_tokens` and
// reasoning tokens inside `output_tokens`; the ledger keeps input without cache reads, as for every provider.
import type { TokenUsage } from '../../../services/usage/usage-types.js';
import { lastObjectField } from '../../stream/json-tail-object.js';
import { count, record } from '../json-values.js';

/** Undefined when the value is not a usage object with at least its input and output counts. */
export function responsesUsage(value: unknown): TokenUsage | undefined {
  const usage = record(value);
  const input = count(usage?.input_tokens);
  const output = count(usage?.output_tokens);
  if (!usage || input === undefined || output === undefined) return undefined;
  const cached = Math.min(input, count(record(usage.input_tokens_details)?.cached_tokens) ?? 0);
  const reasoning = count(record(usage.output_tokens_details)?.reasoning_tokens);
  return {
    input: input - cached,
    output,
    cacheRead: cached,
    cacheWrite5m: 0,
    cacheWrite1h: 0,
    ...(reasoning === undefined ? {} : { reasoning }),
  };
}

/**
 * Usage of a complete (non-stream) response object. The top-level `usage` comes after the output, so the last
 * `usage` object is read without parsing the whole answer; a full parse remains the fallback.
 */
export function responsesUsageFromBody(text: string): TokenUsage | undefined {
  const tail = responsesUsage(lastObjectField(text, 'usage'));
  if (tail) return tail;
  try {
    return responsesUsage(record(JSON.parse(text))?.usage);
  } catch {
    return undefined;
  }
}
