// Gemini's `usageMetadata` as canonical usage, and back. Read through the format's own usage reader (the one
// the ledger uses), so a translated answer and the ledger agree: cached tokens are inside `promptTokenCount`,
// thinking tokens outside `candidatesTokenCount`, tool-use prompt tokens are input. Gemini has no cache writes.
import { type CanonicalUsage, emptyUsage, usageOf } from '../../canonical/usage.js';
import { geminiUsage } from '../../formats/gemini/usage.js';

/** Undefined when the value is not a usage object (a chunk without one). */
export function usageFromGemini(value: unknown): CanonicalUsage | undefined {
  const usage = geminiUsage(value);
  if (!usage) return undefined;
  const reasoning = usage.reasoning ?? 0;
  return usageOf(
    {
      inputNoCache: usage.input,
      cacheRead: usage.cacheRead,
      cacheWrite5m: usage.cacheWrite5m,
      cacheWrite1h: usage.cacheWrite1h,
      outputText: Math.max(0, usage.output - reasoning),
      outputReasoning: reasoning,
    },
    value,
  );
}

export function usageOrEmpty(value: unknown): CanonicalUsage {
  return usageFromGemini(value) ?? emptyUsage();
}

/**
 * `usageMetadata` for a Gemini client from the canonical split: every input token is prompt (cache writes
 * included, since Gemini bills no write of its own), cache reads are its cached share, reasoning is thoughts.
 */
export function usageToGemini(usage: CanonicalUsage): Record<string, number> {
  const metadata: Record<string, number> = {
    promptTokenCount: usage.inputTotal,
    candidatesTokenCount: usage.outputText,
    totalTokenCount: usage.inputTotal + usage.outputTotal,
  };
  if (usage.cacheRead > 0) metadata.cachedContentTokenCount = usage.cacheRead;
  if (usage.outputReasoning > 0) metadata.thoughtsTokenCount = usage.outputReasoning;
  return metadata;
}
