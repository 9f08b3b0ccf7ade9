// Shared by the Gemini translator tests: the recorded fixtures (streams, complete answers, Gemini CLI requests)
// and what each stream says, the decoder run over pushed chunks, and a builder for canonical requests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { CanonicalMessage, CanonicalRequest } from '../../../src/relay/canonical/request.js';
import type { StreamPart } from '../../../src/relay/canonical/response.js';
import { emptyUsage } from '../../../src/relay/canonical/usage.js';
import { geminiTranslator } from '../../../src/relay/translate/gemini/translator.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/gemini');
const STREAMS = path.join(FIXTURES, 'streams');
export const SCENARIOS = ['text', 'tool-calls-parallel', 'reasoning', 'refusal', 'mid-stream-error'] as const;

export interface Expected {
  text: string;
  reasoning: string;
  toolCalls: { name: string; arguments: string }[];
  finish: string;
  usage: {
    input: number;
    output: number;
    cacheRead: number;
    cacheWrite5m: number;
    cacheWrite1h: number;
    reasoning: number;
  };
  error?: { type: string; message: string };
}

export function fixture(name: string): Buffer {
  return readFileSync(path.join(STREAMS, name));
}

export function expected(scenario: string): Expected {
  return JSON.parse(fixture(`${scenario}.json`).toString('utf8')) as Expected;
}

export function recorded(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown>;
}

export function decode(chunks: Buffer[]): StreamPart[] {
  const decoder = geminiTranslator.decodeStream();
  const parts = chunks.flatMap((chunk) => decoder.push(chunk));
  return [...parts, ...decoder.end()];
}

/** What a stream says, in the fixtures' terms; also checks every block is a start, its deltas, an end. */
export function summarize(parts: StreamPart[]): Expected {
  let text = '';
  let reasoning = '';
  const calls = new Map<string, { name: string; arguments: string }>();
  let finish: string | undefined;
  let usage = emptyUsage();
  let error: Expected['error'];
  let open: string | undefined;
  for (const part of parts) {
    if (part.type.endsWith('-start') && part.type !== 'start') {
      expect(open, `${part.type} while a block is open`).toBeUndefined();
      open = (part as { id: string }).id;
    } else if (part.type.endsWith('-delta') || part.type.endsWith('-end')) {
      expect((part as { id: string }).id).toBe(open);
      if (part.type.endsWith('-end')) open = undefined;
    }
    switch (part.type) {
      case 'text-delta':
        text += part.delta;
        break;
      case 'reasoning-delta':
        reasoning += part.delta;
        break;
      case 'tool-call-start':
        calls.set(part.id, { name: part.name, arguments: '' });
        break;
      case 'tool-call-delta': {
        const call = calls.get(part.id);
        if (call) call.arguments += part.delta;
        break;
      }
      case 'usage':
        usage = part.usage;
        break;
      case 'finish':
        finish = part.reason.unified;
        break;
      case 'error':
        error = { type: part.error.type, message: part.error.message };
        break;
      default:
        break;
    }
  }
  expect(open, 'a block left open').toBeUndefined();
  return {
    text,
    reasoning,
    toolCalls: [...calls.values()],
    finish: finish ?? (error ? 'error' : 'none'),
    usage: {
      input: usage.inputNoCache,
      output: usage.outputTotal,
      cacheRead: usage.cacheRead,
      cacheWrite5m: usage.cacheWrite5m,
      cacheWrite1h: usage.cacheWrite1h,
      reasoning: usage.outputReasoning,
    },
    ...(error ? { error } : {}),
  };
}

export function canonical(
  messages: CanonicalMessage[],
  extra: Partial<CanonicalRequest> = {},
): CanonicalRequest {
  return { model: 'm', stream: true, system: [], messages, tools: [], hints: {}, unsupported: [], ...extra };
}
