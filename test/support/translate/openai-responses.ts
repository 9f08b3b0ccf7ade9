// Shared by the OpenAI Responses translator tests: the recorded stream and answer fixtures and what each says,
// a canonical request builder, and the decoder run over pushed chunks, checking every block opens and closes.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { CanonicalRequest } from '../../../src/relay/canonical/request.js';
import type { StreamPart } from '../../../src/relay/canonical/response.js';
import { responsesTranslator as translator } from '../../../src/relay/translate/openai-responses/translator.js';

const STREAMS = new URL('../../fixtures/openai-responses/streams/', import.meta.url);
export const SCENARIOS = ['text', 'tool-calls-parallel', 'reasoning', 'refusal', 'mid-stream-error'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface Expected {
  text: string;
  reasoning: string;
  signature?: string;
  toolCalls: { name: string; arguments: string }[];
  finish: string;
  usage: Record<string, number> | null;
  error?: { type: string; message: string };
}

export function fixture(scenario: Scenario, extension: string): Buffer {
  return readFileSync(new URL(`${scenario}${extension}`, STREAMS));
}

export function expected(scenario: Scenario): Expected {
  return JSON.parse(fixture(scenario, '.json').toString('utf8')) as Expected;
}

export function request(overrides: Partial<CanonicalRequest> = {}): CanonicalRequest {
  return {
    model: 'gpt-5',
    stream: true,
    system: [],
    messages: [],
    tools: [],
    hints: {},
    unsupported: [],
    ...overrides,
  };
}

/** Runs a decoder over the chunks, checking every block is a start, its deltas, an end. */
export function decode(chunks: Buffer[]): StreamPart[] {
  const decoder = translator.decodeStream();
  const parts = chunks.flatMap((chunk) => decoder.push(chunk));
  parts.push(...decoder.end());
  const open = new Map<string, string>();
  for (const part of parts) {
    const [kind, phase] =
      part.type.split('-').length === 3 ? ['tool-call', part.type.slice(10)] : part.type.split('-');
    if (!('id' in part) || phase === undefined || part.type === 'start') continue;
    const key = `${kind}:${part.id}`;
    if (phase === 'start') {
      expect(open.has(key), `${key} started twice`).toBe(false);
      open.set(key, kind ?? '');
    } else {
      expect(open.has(key), `${part.type} of ${key} outside its block`).toBe(true);
      if (phase === 'end') open.delete(key);
    }
  }
  expect([...open.keys()], 'blocks left open').toEqual([]);
  return parts;
}
