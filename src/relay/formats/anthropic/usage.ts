// Reads Anthropic usage objects (message_start, message_delta, non-stream bodies) into our TokenUsage.
import type { TokenUsage } from '../../../services/usage/usage-types.js';
import { lastObjectField } from '../../stream/json-tail-object.js';
import { count, record } from '../json-values.js';

/**
 * Merges the fields present in an Anthropic `usage` object into `into`. Cache writes are split by TTL when
 * the `cache_creation` breakdown is present; otherwise all of them are 5-minute writes, as the API bills them.
 */
export function mergeAnthropicUsage(into: TokenUsage, value: unknown): void {
  const usage = record(value);
  if (!usage) return;
  const input = count(usage.input_tokens);
  if (input !== undefined) into.input = input;
  const output = count(usage.output_tokens);
  if (output !== undefined) into.output = output;
  const cacheRead = count(usage.cache_read_input_tokens);
  if (cacheRead !== undefined) into.cacheRead = cacheRead;
  const breakdown = record(usage.cache_creation);
  const write5m = count(breakdown?.ephemeral_5m_input_tokens);
  const write1h = count(breakdown?.ephemeral_1h_input_tokens);
  const writeTotal = count(usage.cache_creation_input_tokens);
  if (write5m !== undefined || write1h !== undefined) {
    into.cacheWrite5m = write5m ?? 0;
    into.cacheWrite1h = write1h ?? 0;
  } else if (writeTotal !== undefined && writeTotal !== into.cacheWrite5m + into.cacheWrite1h) {
    // message_delta repeats the total without the breakdown; only a changed total replaces the known split.
    into.cacheWrite5m = writeTotal;
    into.cacheWrite1h = 0;
  }
}

export function usageFromAnthropicMessage(body: unknown): TokenUsage | undefined {
  const usage = record(body)?.usage;
  if (!record(usage)) return undefined;
  const result: TokenUsage = { input: 0, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 };
  mergeAnthropicUsage(result, usage);
  return result;
}

/**
 * Usage of a non-stream Messages answer. Reading only the trailing `usage` object spares the relay a parse of
 * the whole answer, which can be long; a full parse remains the fallback.
 */
export function anthropicUsageFromBody(text: string): TokenUsage | undefined {
  const tail = lastObjectField(text, 'usage');
  if (record(tail) && count(record(tail)?.input_tokens) !== undefined) {
    return usageFromAnthropicMessage({ usage: tail });
  }
  try {
    return usageFromAnthropicMessage(JSON.parse(text));
  } catch {
    return undefined;
  }
}
