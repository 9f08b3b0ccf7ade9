// Canonical messages as Gemini `contents`. Gemini's rules: roles `user` and `model` only, consecutive contents of
// one role merged into one, no content without parts, a function result in a user content that names the
// function (found from the call with the same id when the result does not say), and function results before
// anything else in their content, as Gemini pairs them with the calls of the model content before.
import type { CanonicalMessage, ToolResultPart, UserPart } from '../../canonical/request.js';
import { unsupportedFeature } from '../unsupported.js';
import { responseForResult } from './function-response.js';
import { geminiFilePart, type InlineBudget } from './media.js';
import { type GeminiPart, modelParts } from './model-parts.js';

export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

export function renderContents(messages: readonly CanonicalMessage[], budget: InlineBudget): GeminiContent[] {
  const callNames = new Map<string, string>();
  for (const message of messages) {
    if (message.role !== 'assistant') continue;
    for (const part of message.content) if (part.type === 'tool-call') callNames.set(part.id, part.name);
  }
  const contents: GeminiContent[] = [];
  messages.forEach((message, index) => {
    const feature = `messages[${index}].content`;
    const role = message.role === 'assistant' ? 'model' : 'user';
    const parts =
      message.role === 'assistant'
        ? modelParts(message.content, feature, { upstream: true, budget })
        : userParts(message.content, feature, callNames, budget);
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role)
      last.parts = role === 'user' ? resultsFirst([...last.parts, ...parts]) : [...last.parts, ...parts];
    else contents.push({ role, parts });
  });
  return contents;
}

function userParts(
  parts: readonly UserPart[],
  feature: string,
  callNames: ReadonlyMap<string, string>,
  budget: InlineBudget,
): GeminiPart[] {
  const out = parts.flatMap((part, index): GeminiPart[] => {
    const where = `${feature}[${index}]`;
    switch (part.type) {
      case 'text':
        // Gemini refuses a text part that is empty.
        return part.text === '' ? [] : [{ text: part.text }];
      case 'file':
        return [geminiFilePart(part, where, budget)];
      case 'tool-result':
        return toolResult(part, where, callNames, budget);
      default: {
        const unknown: never = part;
        return unknown;
      }
    }
  });
  return resultsFirst(out);
}

/**
 * A result's files go beside its `functionResponse` as parts of their own: every Gemini model reads those,
 * where files inside `functionResponse.parts` are Gemini 3's alone.
 */
function toolResult(
  part: ToolResultPart,
  where: string,
  callNames: ReadonlyMap<string, string>,
  budget: InlineBudget,
): GeminiPart[] {
  const name = part.name ?? callNames.get(part.toolCallId);
  if (name === undefined) {
    throw unsupportedFeature(
      `${where} (a tool result whose call ${part.toolCallId} is not in the conversation)`,
      'gemini',
      'Gemini names the function of every result',
    );
  }
  const files = part.content.flatMap((content, index) =>
    content.type === 'file' ? [geminiFilePart(content, `${where}.content[${index}]`, budget)] : [],
  );
  return [{ functionResponse: { id: part.toolCallId, name, response: responseForResult(part) } }, ...files];
}

function resultsFirst(parts: GeminiPart[]): GeminiPart[] {
  const results = parts.filter((part) => part.functionResponse !== undefined);
  if (results.length === 0 || results.length === parts.length) return parts;
  return [...results, ...parts.filter((part) => part.functionResponse === undefined)];
}
