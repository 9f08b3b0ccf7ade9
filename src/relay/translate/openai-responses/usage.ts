// Responses usage ↔ canonical usage. OpenAI counts cached tokens inside `input_tokens` and reasoning tokens
// inside `output_tokens`, and has no cache writes: a translated answer's cache writes count as plain input.
import { type CanonicalUsage, usageOf } from '../../canonical/usage.js';
import { count, record } from '../../formats/json-values.js';

/** Undefined when the value is not a usage object with its input and output counts. */
export function usageFromResponses(value: unknown): CanonicalUsage | undefined {
  const usage = record(value);
  const input = count(usage?.input_tokens);
  const output = count(usage?.output_tokens);
  if (!usage || input === undefined || output === undefined) return undefined;
  const cached = Math.min(input, count(record(usage.input_tokens_details)?.cached_tokens) ?? 0);
  const reasoning = Math.min(output, count(record(usage.output_tokens_details)?.reasoning_tokens) ?? 0);
  return usageOf(
    {
      inputNoCache: input - cached,
      cacheRead: cached,
      outputText: output - reasoning,
      outputReasoning: reasoning,
    },
    value,
  );
}

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export function usageToResponses(usage: CanonicalUsage): ResponsesUsage {
  return {
    input_tokens: usage.inputTotal,
    input_tokens_details: { cached_tokens: usage.cacheRead },
    output_tokens: usage.outputTotal,
    output_tokens_details: { reasoning_tokens: usage.outputReasoning },
    total_tokens: usage.inputTotal + usage.outputTotal,
  };
}
