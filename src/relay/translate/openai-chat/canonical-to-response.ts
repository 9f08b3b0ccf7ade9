// CanonicalResponse → a complete Chat Completions answer (`chat.completion`) for a Chat client.
import type { CanonicalResponse } from '../../canonical/response.js';
import { field } from '../../formats/json-values.js';
import type { AnswerContext } from '../translator.js';
import { chatFinishOf } from './finish-reason.js';
import { chatUsageOf } from './usage.js';

export function canonicalToChatResponse(response: CanonicalResponse, context: AnswerContext): unknown {
  const texts: string[] = [];
  const refusals: string[] = [];
  const reasoning: string[] = [];
  const calls: { id: string; type: 'function'; function: { name: string; arguments: string } }[] = [];
  for (const part of response.content) {
    switch (part.type) {
      case 'text':
        if (field(part.raw, 'type') === 'refusal') refusals.push(part.text);
        else texts.push(part.text);
        break;
      case 'reasoning':
        // Signatures and redacted reasoning have no Chat field; the text goes where DeepSeek puts it.
        reasoning.push(part.text);
        break;
      case 'tool-call':
        calls.push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.input } });
        break;
    }
  }
  const thought = reasoning.join('');
  return {
    id: response.id ?? `chatcmpl-${context.requestId}`,
    object: 'chat.completion',
    created: context.created,
    model: context.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: texts.length > 0 ? texts.join('') : calls.length > 0 || refusals.length > 0 ? null : '',
          refusal: refusals.length > 0 ? refusals.join('') : null,
          ...(thought !== '' ? { reasoning_content: thought } : {}),
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        },
        logprobs: null,
        finish_reason: chatFinishOf(response.finish, calls.length > 0),
      },
    ],
    usage: chatUsageOf(response.usage),
  };
}
