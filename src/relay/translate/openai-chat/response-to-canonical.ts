// A complete Chat Completions answer → CanonicalResponse. Its one choice's message holds, in the order the
// model produced them: reasoning (DeepSeek's `reasoning_content` and the servers that copy it), the text or
// the refusal, then the tool calls.
import type { ReasoningPart, TextPart, ToolCallPart } from '../../canonical/request.js';
import type { CanonicalResponse } from '../../canonical/response.js';
import { emptyUsage } from '../../canonical/usage.js';
import { record } from '../../formats/json-values.js';
import { finishFromChat } from './finish-reason.js';
import { usageFromChat } from './usage.js';

export function chatResponseToCanonical(body: unknown): CanonicalResponse {
  const answer = record(body) ?? {};
  const choices = Array.isArray(answer.choices) ? answer.choices : [];
  // One choice per request: the relay never asks for more (`n` is refused).
  const choice = record(choices[0]);
  const message = record(choice?.message) ?? {};
  const content: (TextPart | ReasoningPart | ToolCallPart)[] = [];
  const reasoning = text(message.reasoning_content) ?? text(message.reasoning);
  if (reasoning) content.push({ type: 'reasoning', text: reasoning });
  const said = contentText(message.content);
  if (said) {
    const annotations = Array.isArray(message.annotations) && message.annotations.length > 0;
    content.push({
      type: 'text',
      text: said,
      ...(annotations ? { raw: { annotations: message.annotations } } : {}),
    });
  }
  const refusal = text(message.refusal);
  if (refusal) content.push({ type: 'text', text: refusal, raw: { type: 'refusal', refusal } });
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  calls.forEach((value, index) => {
    const call = record(value);
    const fn = record(call?.function);
    if (!call || !fn) return;
    content.push({
      type: 'tool-call',
      id: text(call.id) ?? `call_${index}`,
      name: typeof fn.name === 'string' ? fn.name : '',
      input: typeof fn.arguments === 'string' ? fn.arguments : '',
      raw: call,
    });
  });
  return {
    id: text(answer.id),
    model: typeof answer.model === 'string' ? answer.model : '',
    content,
    usage: usageFromChat(answer.usage) ?? emptyUsage(),
    finish: finishFromChat(choice?.finish_reason, refusal !== undefined),
  };
}

/** A non-empty string, else undefined. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Message content is a string; a few compatible servers answer with an array of text parts instead. */
function contentText(value: unknown): string | undefined {
  if (!Array.isArray(value)) return text(value);
  const joined = value
    .map((part) => {
      const item = record(part);
      return item?.type === 'text' && typeof item.text === 'string' ? item.text : '';
    })
    .join('');
  return text(joined);
}
