// Gemini's `finishReason` (and a prompt's `promptFeedback.blockReason`) in the unified vocabulary, and back.
// Gemini has no stop reason of its own for tool use: STOP on an answer that holds function calls is a tool stop.
import type { FinishReason, UnifiedFinishReason } from '../../canonical/finish-reason.js';

const UNIFIED: Readonly<Record<string, UnifiedFinishReason>> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content-filter',
  RECITATION: 'content-filter',
  BLOCKLIST: 'content-filter',
  PROHIBITED_CONTENT: 'content-filter',
  SPII: 'content-filter',
  IMAGE_SAFETY: 'content-filter',
  IMAGE_PROHIBITED_CONTENT: 'content-filter',
  IMAGE_RECITATION: 'content-filter',
  MODEL_ARMOR: 'content-filter',
  JAILBREAK: 'content-filter',
  // The model wrote a call that is not valid for the declared tools: the answer is broken, not finished.
  MALFORMED_FUNCTION_CALL: 'error',
  UNEXPECTED_TOOL_CALL: 'error',
  TOO_MANY_TOOL_CALLS: 'error',
  // LANGUAGE: the prompt's language is not supported; no filter was involved.
  LANGUAGE: 'other',
  OTHER: 'other',
  FINISH_REASON_UNSPECIFIED: 'other',
};

/** A candidate's finish reason; `sawToolCall` turns STOP into a tool stop. */
export function finishFromGemini(raw: string, sawToolCall: boolean): FinishReason {
  const unified = UNIFIED[raw] ?? 'other';
  return { unified: unified === 'stop' && sawToolCall ? 'tool-calls' : unified, raw };
}

/** A prompt Google refused to answer at all (`promptFeedback.blockReason`, no candidates). */
export function finishFromBlock(blockReason: string): FinishReason {
  return { unified: 'content-filter', raw: blockReason };
}

/**
 * The finish reason a Gemini client is shown: the upstream's own word when it was Gemini's and means the same,
 * otherwise Gemini's nearest (a filter is SAFETY, a broken answer OTHER unless it was a malformed call).
 */
export function finishToGemini(finish: FinishReason): string {
  const raw = finish.raw;
  if (raw !== undefined && raw !== 'FINISH_REASON_UNSPECIFIED' && UNIFIED[raw] !== undefined) {
    const unified = UNIFIED[raw];
    const same = unified === finish.unified || (unified === 'stop' && finish.unified === 'tool-calls');
    if (same && !isBlockOnly(raw)) return raw;
  }
  switch (finish.unified) {
    case 'stop':
    case 'tool-calls':
      return 'STOP';
    case 'length':
      return 'MAX_TOKENS';
    case 'content-filter':
      return 'SAFETY';
    case 'error':
    case 'other':
      return 'OTHER';
    default: {
      const unknown: never = finish.unified;
      return unknown;
    }
  }
}

/** Block reasons that are not finish reasons: a client's SDK would not know them on a candidate. */
function isBlockOnly(raw: string): boolean {
  return raw === 'MODEL_ARMOR' || raw === 'JAILBREAK';
}
