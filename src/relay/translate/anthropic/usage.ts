// Anthropic usage ↔ canonical usage. Anthropic's `input_tokens` leaves out cache reads and writes (reported
// beside it, writes split by lifetime), and `output_tokens` includes thinking (its share, where reported, in
// `output_tokens_details.thinking_tokens`). Read through the ledger's own reader so both agree on every count.
import type { TokenUsage } from '../../../services/usage/usage-types.js';
import { type CanonicalUsage, usageOf } from '../../canonical/usage.js';
import { mergeAnthropicUsage } from '../../formats/anthropic/usage.js';
import { count, record } from '../../formats/json-values.js';
import type { WireUsage } from './wire.js';

/**
 * A stream's usage so far: `message_start` reports input and cache, `message_delta` the output (and repeats
 * the input totals without the cache split). Each report merges into the last; `raw` is the merged object.
 */
export class AnthropicUsageState {
  private readonly tokens: TokenUsage = {
    input: 0,
    output: 0,
    cacheRead: 0,
    cacheWrite5m: 0,
    cacheWrite1h: 0,
  };
  private thinking = 0;
  private raw: Record<string, unknown> = {};

  merge(value: unknown): void {
    const usage = record(value);
    if (!usage) return;
    mergeAnthropicUsage(this.tokens, usage);
    const thinking = count(record(usage.output_tokens_details)?.thinking_tokens);
    if (thinking !== undefined) this.thinking = thinking;
    this.raw = { ...this.raw, ...usage };
  }

  get current(): CanonicalUsage {
    const reasoning = Math.min(this.thinking, this.tokens.output);
    return usageOf(
      {
        inputNoCache: this.tokens.input,
        cacheRead: this.tokens.cacheRead,
        cacheWrite5m: this.tokens.cacheWrite5m,
        cacheWrite1h: this.tokens.cacheWrite1h,
        outputText: this.tokens.output - reasoning,
        outputReasoning: reasoning,
      },
      this.raw,
    );
  }
}

/** The usage of a complete answer. */
export function usageFromAnthropic(value: unknown): CanonicalUsage {
  const state = new AnthropicUsageState();
  state.merge(value);
  return state.current;
}

/** The usage object of a message for a client, from the canonical split. */
export function usageToAnthropic(usage: CanonicalUsage): WireUsage {
  return {
    input_tokens: usage.inputNoCache,
    cache_creation_input_tokens: usage.cacheWrite5m + usage.cacheWrite1h,
    cache_read_input_tokens: usage.cacheRead,
    cache_creation: {
      ephemeral_5m_input_tokens: usage.cacheWrite5m,
      ephemeral_1h_input_tokens: usage.cacheWrite1h,
    },
    output_tokens: usage.outputTotal,
    ...(usage.outputReasoning > 0
      ? { output_tokens_details: { thinking_tokens: usage.outputReasoning } }
      : {}),
  };
}

/** `message_delta`'s usage: the cumulative totals, without the cache split, as the API sends it. */
export function deltaUsageToAnthropic(usage: CanonicalUsage): Omit<WireUsage, 'cache_creation'> {
  const { cache_creation: _split, ...totals } = usageToAnthropic(usage);
  return totals;
}
