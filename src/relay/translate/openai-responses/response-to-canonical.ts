// A complete Responses answer as a canonical response: reasoning, message text (a refusal as text, declining the
// answer) and calls in output order; hosted-tool items (web search calls) carry nothing the canonical answer holds.
import { AppError } from '../../../errors/app-error.js';
import type { ReasoningPart, TextPart, ToolCallPart } from '../../canonical/request.js';
import type { CanonicalResponse } from '../../canonical/response.js';
import { emptyUsage } from '../../canonical/usage.js';
import { record } from '../../formats/json-values.js';
import { finishFromResponses, type OutputSummary } from './finish-reason.js';
import { proofOf } from './reasoning-proof.js';
import { freeformArguments, qualifiedName } from './tool-names.js';
import { usageFromResponses } from './usage.js';

type AnswerPart = TextPart | ReasoningPart | ToolCallPart;

export function readResponsesAnswer(body: unknown): CanonicalResponse {
  const response = record(body);
  if (!response || !Array.isArray(response.output)) {
    throw new AppError('upstream_error', 'The upstream answer is not a Responses object (no output list)');
  }
  const content: AnswerPart[] = [];
  const summary: OutputSummary = { endsInToolCall: false, refused: false };
  for (const value of response.output) {
    const item = record(value);
    if (!item) continue;
    const parts = itemParts(item, summary);
    content.push(...parts);
    if (item.type !== 'reasoning' && parts.length > 0)
      summary.endsInToolCall = parts.at(-1)?.type === 'tool-call';
  }
  const incomplete = record(response.incomplete_details)?.reason;
  return {
    id: typeof response.id === 'string' ? response.id : undefined,
    model: typeof response.model === 'string' ? response.model : '',
    content,
    usage: usageFromResponses(response.usage) ?? emptyUsage(),
    finish: finishFromResponses(
      typeof response.status === 'string' ? response.status : undefined,
      typeof incomplete === 'string' ? incomplete : undefined,
      summary,
    ),
  };
}

/** The canonical parts of one output item; `summary` learns of refusals. */
export function itemParts(item: Record<string, unknown>, summary: OutputSummary): AnswerPart[] {
  switch (item.type) {
    case 'message':
      return messageParts(item, summary);
    case 'reasoning': {
      const text = reasoningText(item);
      const encrypted = typeof item.encrypted_content === 'string' ? proofOf(item.encrypted_content) : {};
      return [{ type: 'reasoning', text, ...encrypted, raw: item }];
    }
    case 'function_call':
    case 'custom_tool_call': {
      if (typeof item.call_id !== 'string' || typeof item.name !== 'string') return [];
      const input =
        item.type === 'custom_tool_call'
          ? freeformArguments(typeof item.input === 'string' ? item.input : '')
          : typeof item.arguments === 'string'
            ? item.arguments
            : '';
      return [
        {
          type: 'tool-call',
          id: item.call_id,
          name: qualifiedName(item.name, item.namespace),
          input,
          raw: item,
        },
      ];
    }
    default:
      return [];
  }
}

function messageParts(item: Record<string, unknown>, summary: OutputSummary): TextPart[] {
  const parts: TextPart[] = [];
  for (const value of Array.isArray(item.content) ? item.content : []) {
    const part = record(value);
    if (part?.type === 'output_text' && typeof part.text === 'string') {
      parts.push({ type: 'text', text: part.text, raw: part });
    } else if (part?.type === 'refusal' && typeof part.refusal === 'string') {
      summary.refused = true;
      parts.push({ type: 'text', text: part.refusal, raw: part });
    }
  }
  return parts;
}

/** Summaries joined as paragraphs, or the raw reasoning text of models that show it. */
export function reasoningText(item: Record<string, unknown>): string {
  const texts = (entries: unknown) =>
    (Array.isArray(entries) ? entries : [])
      .map((entry) => record(entry)?.text)
      .filter((text): text is string => typeof text === 'string');
  const summary = texts(item.summary);
  return (summary.length > 0 ? summary : texts(item.content)).join('\n\n');
}
