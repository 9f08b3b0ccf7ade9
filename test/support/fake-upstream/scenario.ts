// Scenario queue plus the deterministic text / usage derived from a scenario and a request body.
import type { Scenario, Usage } from './types.js';

export const DEFAULT_TEXT = 'Hello from the fake upstream.';
const DEFAULT_CHUNKS = 3;
const EMPTY: Scenario = Object.freeze({});

interface TextPlan {
  pieces: readonly string[];
  words: number;
}

// Split results are cached: the benchmark sends the same text over and over.
const textCache = new Map<string, TextPlan>();

function splitText(text: string, chunks: number): TextPlan {
  const points = Array.from(text); // never split inside a surrogate pair
  const pieces: string[] = [];
  for (let i = 0; i < chunks; i++) {
    const from = Math.floor((i * points.length) / chunks);
    const to = Math.floor(((i + 1) * points.length) / chunks);
    pieces.push(points.slice(from, to).join(''));
  }
  const words = text.split(/\s+/).filter((w) => w.length > 0).length;
  return { pieces, words: Math.max(1, words) };
}

/** The answer text of a scenario, split into exactly `chunks` (>= 1) deltas. */
export function textPlan(scenario: Scenario): TextPlan {
  const text = scenario.text ?? DEFAULT_TEXT;
  const chunks = chunkCount(scenario);
  const key = `${chunks}\u0000${text}`;
  let plan = textCache.get(key);
  if (plan === undefined) {
    plan = splitText(text, chunks);
    if (textCache.size > 1000) textCache.clear();
    textCache.set(key, plan);
  }
  return plan;
}

/** The scenario's `chunks` as a count of pieces (>= 1, default 3). */
export function chunkCount(scenario: Scenario): number {
  return Math.max(1, Math.floor(scenario.chunks ?? DEFAULT_CHUNKS));
}

/** A tool call's `arguments` JSON text as the object providers hand back parsed (`{}` unless it is one). */
export function parseToolArguments(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

export function answerText(scenario: Scenario): string {
  return scenario.text ?? DEFAULT_TEXT;
}

/**
 * Usage in neutral terms: `inputTokens` are uncached input tokens, cache fields are separate; reasoning tokens
 * are part of `outputTokens`.
 */
export function resolveUsage(scenario: Scenario, bodyLength: number): Usage {
  const u = scenario.usage;
  const reasoningTokens = u?.reasoningTokens ?? 0;
  return {
    inputTokens: u?.inputTokens ?? Math.max(1, Math.ceil(bodyLength / 4)),
    outputTokens: u?.outputTokens ?? textPlan(scenario).words + reasoningTokens,
    cacheReadTokens: u?.cacheReadTokens ?? 0,
    cacheWrite5mTokens: u?.cacheWrite5mTokens ?? 0,
    cacheWrite1hTokens: u?.cacheWrite1hTokens ?? 0,
    reasoningTokens,
  };
}

/** All prompt tokens (uncached + cache read + cache write), for providers that report a single total. */
export function totalPromptTokens(usage: Usage): number {
  return usage.inputTokens + usage.cacheReadTokens + usage.cacheWrite5mTokens + usage.cacheWrite1hTokens;
}

export class ScenarioQueue {
  private queue: Scenario[] = [];
  private head = 0;
  private fallback: Scenario = EMPTY;

  enqueue(scenarios: readonly Scenario[]): void {
    for (const s of scenarios) this.queue.push(s);
  }

  setDefault(scenario: Scenario): void {
    this.fallback = scenario;
  }

  /** Next queued scenario (FIFO), else the default. */
  next(): Scenario {
    if (this.head >= this.queue.length) return this.fallback;
    const s = this.queue[this.head] ?? this.fallback;
    this.head++;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    return s;
  }

  reset(): void {
    this.queue = [];
    this.head = 0;
    this.fallback = EMPTY;
  }
}
