// Shared by the Anthropic translator tests: the recorded stream fixtures and what each one says, the decoder
// run over pushed pieces, the 400 a refusal is, and builders for canonical requests and their rendering.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { AppError } from '../../../src/errors/app-error.js';
import type { CanonicalRequest } from '../../../src/relay/canonical/request.js';
import type { StreamPart } from '../../../src/relay/canonical/response.js';
import { anthropicTranslator } from '../../../src/relay/translate/anthropic/translator.js';

const FIXTURES = new URL('../../fixtures/anthropic/streams/', import.meta.url);
export const SCENARIOS = ['text', 'tool-calls-parallel', 'reasoning', 'refusal', 'mid-stream-error'] as const;
export const WITH_BODY = ['text', 'tool-calls-parallel', 'reasoning', 'refusal'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export type { Ledger } from './fixture-ledger.js';

import type { Ledger } from './fixture-ledger.js';
export interface Summary {
  text: string;
  reasoning: string;
  signature?: string;
  toolCalls: { name: string; arguments: string }[];
  finish: string | null;
  usage: Ledger;
  error?: { type: string; message: string };
}

export const wire = (scenario: Scenario) => readFileSync(new URL(`${scenario}.sse`, FIXTURES));
export const expected = (scenario: Scenario): Summary =>
  JSON.parse(readFileSync(new URL(`${scenario}.json`, FIXTURES), 'utf8'));
export const body = (scenario: Scenario): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`${scenario}.body.json`, FIXTURES), 'utf8'));

export function decode(pieces: readonly Buffer[]): StreamPart[] {
  const decoder = anthropicTranslator.decodeStream();
  const parts = pieces.flatMap((piece) => decoder.push(piece));
  return [...parts, ...decoder.end()];
}

export function refusal(run: () => unknown): { feature: string; message: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.httpStatus).toBe(400);
    return {
      feature: String(appError.details?.feature ?? appError.details?.field),
      message: appError.message,
    };
  }
  throw new Error('expected a refusal');
}

export function canonical(overrides: Partial<CanonicalRequest>): CanonicalRequest {
  return {
    model: 'client-model',
    stream: false,
    system: [],
    messages: [],
    tools: [],
    hints: {},
    unsupported: [],
    ...overrides,
  };
}

export const userSays = (text: string): CanonicalRequest['messages'][number] => ({
  role: 'user',
  content: [{ type: 'text', text }],
});
export const render = (request: CanonicalRequest, model = 'claude-sonnet-4-5-20250929') =>
  anthropicTranslator.fromCanonicalRequest(request, model);

export const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
