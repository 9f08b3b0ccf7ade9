// Anthropic's stop reasons ↔ the unified finish reason.
import type { FinishReason, UnifiedFinishReason } from '../../canonical/finish-reason.js';

export type AnthropicStopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded';

const UNIFIED: Record<AnthropicStopReason, UnifiedFinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  // The answer was cut by the context window rather than by max_tokens: cut all the same.
  model_context_window_exceeded: 'length',
  tool_use: 'tool-calls',
  refusal: 'content-filter',
  // A server tool's long turn paused; the client is to send the answer back to continue it.
  pause_turn: 'other',
};

function isStopReason(value: unknown): value is AnthropicStopReason {
  return typeof value === 'string' && Object.hasOwn(UNIFIED, value);
}

export function finishFromAnthropic(stopReason: unknown): FinishReason {
  if (isStopReason(stopReason)) return { unified: UNIFIED[stopReason], raw: stopReason };
  return { unified: 'other', raw: typeof stopReason === 'string' ? stopReason : undefined };
}

/**
 * The stop reason for a client. An Anthropic upstream's own word is kept when it means the same (so
 * `stop_sequence` and `pause_turn` survive); otherwise the unified reason picks the nearest. Anthropic has no
 * stop reason for an error or an unnamed cause: such an answer simply ended its turn.
 */
export function finishToAnthropic(reason: FinishReason): AnthropicStopReason {
  if (isStopReason(reason.raw) && UNIFIED[reason.raw] === reason.unified) return reason.raw;
  switch (reason.unified) {
    case 'stop':
      return 'end_turn';
    case 'length':
      return 'max_tokens';
    case 'tool-calls':
      return 'tool_use';
    case 'content-filter':
      return 'refusal';
    case 'error':
    case 'other':
      return 'end_turn';
    default: {
      const unknown: never = reason.unified;
      return unknown;
    }
  }
}
