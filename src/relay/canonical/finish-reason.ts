// Why an answer ended, in one vocabulary, with the provider's own word beside it.

export type UnifiedFinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';

export interface FinishReason {
  unified: UnifiedFinishReason;
  /** The provider's own value (`end_turn`, `MAX_TOKENS`, `incomplete:max_output_tokens`). */
  raw: string | undefined;
}
