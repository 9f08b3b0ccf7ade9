// Shared by the Chat Completions translator tests: the recorded stream and answer fixtures, what each one says
// in the ledger's terms, and the small PNG the request tests carry.
import { readFileSync } from 'node:fs';

const FIXTURES = new URL('../../fixtures/openai-chat/streams/', import.meta.url);
export const SCENARIOS = ['text', 'tool-calls-parallel', 'reasoning', 'refusal', 'mid-stream-error'] as const;
export const WITH_BODY = ['text', 'tool-calls-parallel', 'reasoning', 'refusal'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export type { Ledger } from './fixture-ledger.js';

import type { Ledger } from './fixture-ledger.js';
export interface Expected {
  text: string;
  reasoning: string;
  toolCalls: { name: string; arguments: string }[];
  finish?: string;
  usage?: Ledger;
  error?: { type: string; message: string };
}

export const wire = (scenario: Scenario) => readFileSync(new URL(`${scenario}.sse`, FIXTURES));
export const expected = (scenario: Scenario): Expected =>
  JSON.parse(readFileSync(new URL(`${scenario}.json`, FIXTURES), 'utf8'));
export const body = (scenario: Scenario): unknown =>
  JSON.parse(readFileSync(new URL(`${scenario}.body.json`, FIXTURES), 'utf8'));

export const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
