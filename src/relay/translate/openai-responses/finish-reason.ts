// Why a Responses answer ended. The API says only `completed`, `incomplete` (with a reason) or `failed`: a
// completed answer whose output ends in function calls stopped to have them run, and one that carries a refusal
// part was declined, so the unified reason is derived from the output as well as the status.
import type { FinishReason } from '../../canonical/finish-reason.js';

export interface OutputSummary {
  /** The last output item other than reasoning is a function (or freeform tool) call. */
  endsInToolCall: boolean;
  /** A message carried a refusal part. */
  refused: boolean;
}

export function finishFromResponses(
  status: string | undefined,
  incompleteReason: string | undefined,
  output: OutputSummary,
): FinishReason {
  switch (status) {
    case 'incomplete': {
      const raw = `incomplete:${incompleteReason ?? 'unknown'}`;
      if (incompleteReason === 'max_output_tokens') return { unified: 'length', raw };
      if (incompleteReason === 'content_filter') return { unified: 'content-filter', raw };
      return { unified: 'other', raw };
    }
    case 'failed':
    case 'cancelled':
      return { unified: 'error', raw: status };
    default:
      if (output.refused) return { unified: 'content-filter', raw: 'refusal' };
      if (output.endsInToolCall) return { unified: 'tool-calls', raw: status ?? 'completed' };
      return { unified: 'stop', raw: status ?? 'completed' };
  }
}

export interface ResponsesStatus {
  status: 'completed' | 'incomplete' | 'failed';
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
}

/** The status a Responses client reads for a unified reason; OpenAI names no other incomplete reasons. */
export function finishToResponses(finish: FinishReason | undefined): ResponsesStatus {
  // No finish reason at all: the answer stopped short of its end.
  if (finish === undefined) return { status: 'failed', incomplete_details: null };
  switch (finish.unified) {
    case 'length':
      return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
    case 'content-filter':
      return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
    case 'error':
      return { status: 'failed', incomplete_details: null };
    case 'stop':
    case 'tool-calls':
    case 'other':
      return { status: 'completed', incomplete_details: null };
    default: {
      const unknown: never = finish.unified;
      return unknown;
    }
  }
}
