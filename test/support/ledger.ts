// Reads the relay's ledger once every settle is written, and prices OpenAI usage the way the relay must.
import type { TestRelay } from './relay.js';
import { settled } from './relay.js';

/** Token counts as the ledger keeps them: `input` excludes cache reads; `reasoning` is part of `output`. */
export interface LedgerUsage {
  input: number;
  cacheRead: number;
  output: number;
  reasoning: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
}

/** The relay's most recent ledger entry. */
export async function lastEntry(relay: TestRelay) {
  await settled(relay);
  const [entry] = await relay.server.services.requestLog.recent(1);
  return entry;
}

/** Ledger entries written at or after `since` (ms), newest first. */
export async function entriesSince(relay: TestRelay, since: number) {
  await settled(relay);
  return (await relay.server.services.requestLog.recent(20)).filter((entry) => entry.at >= since);
}

/**
 * What OpenAI `usage` costs at the relay's quote for `model`, in micro-USD: reasoning is part of the output,
 * billed once at the output price; OpenAI writes nothing to a cache the caller pays for.
 */
export function openaiCost(relay: TestRelay, model: string, usage: LedgerUsage) {
  const quote = relay.server.services.pricing.quote('openai', model, usage.input + usage.cacheRead);
  if (!quote) throw new Error(`no price for ${model}`);
  const { prices } = quote;
  const micros =
    usage.input * prices.input + usage.cacheRead * prices.cacheRead + usage.output * prices.output;
  return { prices, costMicros: Math.round(micros) };
}
