// A stream tap's final usage for formats that report it only at the end: exact when the final usage arrived,
// otherwise admission's input estimate and the output the text seen suggests, flagged estimated.
import { type TokenUsage, ZERO_USAGE } from '../../services/usage/usage-types.js';

/** Rough characters per token, used only when a stream ends before its final usage. */
export const CHARS_PER_TOKEN = 4;

export function finalUsageOf(
  reported: TokenUsage | undefined,
  inputEstimate: number,
  textChars: number,
): { usage: TokenUsage; estimated: boolean } {
  if (reported) return { usage: { ...reported }, estimated: false };
  return {
    usage: { ...ZERO_USAGE, input: inputEstimate, output: Math.ceil(textChars / CHARS_PER_TOKEN) },
    estimated: true,
  };
}
