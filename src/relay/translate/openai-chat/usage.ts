// Chat Completions' `usage` ↔ CanonicalUsage. Chat counts cached tokens inside `prompt_tokens` and reasoning
// tokens inside `completion_tokens`; it has no cache-write figure, so writes render inside `prompt_tokens`.
import { type CanonicalUsage, usageOf } from '../../canonical/usage.js';
import { chatUsage } from '../../formats/openai-chat/usage.js';

/** Undefined when the value is not a usage object with its prompt and completion counts. */
export function usageFromChat(value: unknown): CanonicalUsage | undefined {
  // The pass-through reader gives the ledger's split (input without cache reads, output with reasoning).
  const read = chatUsage(value);
  if (!read) return undefined;
  const reasoning = Math.min(read.reasoning ?? 0, read.output);
  return usageOf(
    {
      inputNoCache: read.input,
      cacheRead: read.cacheRead,
      outputText: read.output - reasoning,
      outputReasoning: reasoning,
    },
    value,
  );
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

export function chatUsageOf(usage: CanonicalUsage): ChatUsage {
  return {
    prompt_tokens: usage.inputTotal,
    completion_tokens: usage.outputTotal,
    total_tokens: usage.inputTotal + usage.outputTotal,
    prompt_tokens_details: { cached_tokens: usage.cacheRead },
    completion_tokens_details: { reasoning_tokens: usage.outputReasoning },
  };
}
