// A complete (non-stream) answer in canonical form, and the parts a stream is made of. Stream parts come in
// start/delta/end triples per content block, in the order the upstream sent them; a block's `id` ties them.
import type { FinishReason } from './finish-reason.js';
import type { ReasoningPart, TextPart, ToolCallPart } from './request.js';
import type { CanonicalUsage } from './usage.js';

export interface CanonicalResponse {
  /** The upstream's id for the answer, where it gives one. */
  id: string | undefined;
  model: string;
  content: (TextPart | ReasoningPart | ToolCallPart)[];
  usage: CanonicalUsage;
  finish: FinishReason;
}

/** An in-stream error the upstream sent: its own type and message. */
export interface CanonicalStreamError {
  type: string;
  message: string;
  raw?: unknown;
}

export type StreamPart =
  | { type: 'start'; id: string | undefined; model: string | undefined }
  | { type: 'text-start'; id: string }
  | { type: 'text-delta'; id: string; delta: string }
  | { type: 'text-end'; id: string }
  | { type: 'reasoning-start'; id: string; redacted?: string }
  | { type: 'reasoning-delta'; id: string; delta: string }
  | { type: 'reasoning-end'; id: string; signature?: string }
  | { type: 'tool-call-start'; id: string; name: string }
  | { type: 'tool-call-delta'; id: string; delta: string }
  | { type: 'tool-call-end'; id: string; signature?: string }
  /** Cumulative usage so far; a later one replaces an earlier one. */
  | { type: 'usage'; usage: CanonicalUsage }
  | { type: 'finish'; reason: FinishReason }
  | { type: 'error'; error: CanonicalStreamError };
