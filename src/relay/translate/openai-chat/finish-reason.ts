// Chat Completions' `finish_reason` ↔ the unified finish reason.
import type { FinishReason, UnifiedFinishReason } from '../../canonical/finish-reason.js';

export type ChatFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

/**
 * `refused`: the answer was a `refusal` rather than content. Chat ends a refusal with `stop`, yet it is the
 * model declining, which the other formats name as such (Anthropic's `refusal`), so it reads as content-filter.
 */
export function finishFromChat(raw: unknown, refused = false): FinishReason {
  const value = typeof raw === 'string' ? raw : undefined;
  return { unified: unifiedOf(value, refused), raw: value };
}

function unifiedOf(value: string | undefined, refused: boolean): UnifiedFinishReason {
  switch (value) {
    case 'stop':
      return refused ? 'content-filter' : 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    case 'content_filter':
      return 'content-filter';
    default:
      return 'other';
  }
}

/**
 * The Chat value for a unified reason. `calledTools`: the answer holds tool calls; some providers end those with
 * a plain stop (Gemini's STOP), while Chat clients run tools only on `tool_calls`. Chat has no word for an
 * error or an unnamed reason; `stop` is the one every client accepts as a finished answer.
 */
export function chatFinishOf(reason: FinishReason, calledTools: boolean): ChatFinishReason {
  switch (reason.unified) {
    case 'length':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    case 'content-filter':
      return 'content_filter';
    case 'stop':
    case 'error':
    case 'other':
      return calledTools ? 'tool_calls' : 'stop';
  }
}
