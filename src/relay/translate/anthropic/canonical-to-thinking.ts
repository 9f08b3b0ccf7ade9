// The canonical reasoning request → Anthropic `thinking` (and `output_config.effort`) in the form the model
// accepts, with the rules thinking imposes: a budget of at least 1,024 tokens below `max_tokens`, no
// temperature but 1, no top_k, top_p within [0.95, 1], and no forced tool call.
import type { CanonicalRequest, ReasoningEffort } from '../../canonical/request.js';
import { unsupportedFeature } from '../unsupported.js';
import { thinkingForms } from './model-rules.js';

export const THINKING_BUDGET_MIN = 1_024;

/** The share of `max_tokens` a budget-only model may think, for a client that named an effort, not a budget. */
const EFFORT_SHARE: Record<ReasoningEffort, number> = { minimal: 0.1, low: 0.2, medium: 0.5, high: 0.8 };

export interface RenderedThinking {
  thinking?: Record<string, unknown>;
  effort?: 'low' | 'medium' | 'high';
  /** Whether the rendered request thinks: the sampling rules apply. */
  thinks: boolean;
}

/** Anthropic's scale starts at `low`; `minimal` asks for the least there is. */
function anthropicEffort(effort: ReasoningEffort | undefined): RenderedThinking['effort'] {
  if (effort === undefined) return undefined;
  return effort === 'minimal' ? 'low' : effort;
}

function budgetThinking(request: CanonicalRequest, maxTokens: number): Record<string, unknown> {
  if (maxTokens <= THINKING_BUDGET_MIN) {
    throw unsupportedFeature(
      'reasoning',
      'anthropic',
      `extended thinking needs more than ${THINKING_BUDGET_MIN} output tokens and this request allows ${maxTokens}`,
    );
  }
  const reasoning = request.reasoning;
  const wanted =
    reasoning?.budgetTokens ?? Math.floor(maxTokens * EFFORT_SHARE[reasoning?.effort ?? 'medium']);
  const budget = Math.max(THINKING_BUDGET_MIN, Math.min(wanted, maxTokens - 1));
  return { type: 'enabled', budget_tokens: budget, ...display(request) };
}

function display(request: CanonicalRequest): Record<string, unknown> {
  return request.reasoning?.include === false ? { display: 'omitted' } : {};
}

/**
 * `canThink` is false when the conversation's last assistant turn called tools without a signed thinking
 * block before them: with thinking on, the API refuses such a turn ("a final assistant message must start with
 * a thinking block"), so this request goes without thinking, as the API allows between tool calls.
 */
export function thinkingToAnthropic(
  request: CanonicalRequest,
  model: string,
  maxTokens: number,
  canThink: boolean,
): RenderedThinking {
  const reasoning = request.reasoning;
  if (!reasoning) return { thinks: false };
  const forms = thinkingForms(model);
  // Effort is a setting of the adaptive-era models; older ones refuse the field, their effort is the budget.
  const effort = forms === 'budget-only' ? undefined : anthropicEffort(reasoning.effort);
  const withEffort = effort ? { effort } : {};
  if (!reasoning.enabled || !canThink) {
    // The newest models refuse `disabled`; leaving thinking out turns it off on every model.
    return forms === 'adaptive-only' || !canThink
      ? { ...withEffort, thinks: false }
      : { thinking: { type: 'disabled' }, ...withEffort, thinks: false };
  }
  if (forms === 'adaptive-only' || (forms === 'both' && reasoning.budgetTokens === undefined)) {
    // A budget the model cannot take is bounded by max_tokens all the same.
    return { thinking: { type: 'adaptive', ...display(request) }, ...withEffort, thinks: true };
  }
  return { thinking: budgetThinking(request, maxTokens), ...withEffort, thinks: true };
}

/** The sampling settings thinking refuses, named; the values it allows pass. */
export function checkThinkingSampling(request: CanonicalRequest): void {
  const { temperature, topK, topP, toolChoice } = request;
  if (temperature !== undefined && temperature !== 1) {
    throw unsupportedFeature(
      `temperature=${temperature} with reasoning`,
      'anthropic',
      'extended thinking takes only 1',
    );
  }
  if (topK !== undefined) {
    throw unsupportedFeature('topK with reasoning', 'anthropic', 'extended thinking takes no top_k');
  }
  if (topP !== undefined && (topP < 0.95 || topP > 1)) {
    throw unsupportedFeature(
      `topP=${topP} with reasoning`,
      'anthropic',
      'extended thinking takes top_p from 0.95 to 1',
    );
  }
  if (toolChoice?.type === 'required' || toolChoice?.type === 'tool') {
    throw unsupportedFeature(
      `toolChoice=${toolChoice.type} with reasoning`,
      'anthropic',
      'extended thinking cannot be combined with a forced tool call',
    );
  }
}
