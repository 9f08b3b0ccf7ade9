// A tool's result as Gemini carries it, `functionResponse.response`, and as the canonical model does (text and
// files). Google's convention is `{output}` for a result and `{error}` for a failure; Gemini CLI sends exactly
// that, so those read as their text, and any other object as its JSON text.
import type { FilePart, TextPart, ToolResultPart } from '../../canonical/request.js';
import { parseJson, record } from '../../formats/json-values.js';

export interface ResultContent {
  content: (TextPart | FilePart)[];
  isError: boolean;
}

export function resultFromResponse(response: Record<string, unknown>): ResultContent {
  const keys = Object.keys(response);
  const only = keys.length === 1 ? keys[0] : undefined;
  if (only === 'output' || only === 'error') {
    return { content: [textPart(response[only])], isError: only === 'error' };
  }
  return { content: [{ type: 'text', text: JSON.stringify(response) }], isError: false };
}

function textPart(value: unknown): TextPart {
  return { type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value) };
}

/**
 * `functionResponse.response` for a canonical result: a result that is one JSON object goes as that object
 * (what a Gemini client sent comes back unchanged), any other text as `{output}` or `{error}`. Files are not
 * here: the caller sends them as parts of their own.
 */
export function responseForResult(result: ToolResultPart): Record<string, unknown> {
  const texts = result.content
    .filter((part): part is TextPart => part.type === 'text')
    .map((part) => part.text);
  const text = texts.join('\n');
  const object = texts.length === 1 ? record(parseJson(text)) : undefined;
  if (result.isError) return { error: object ?? text };
  return object ?? { output: text };
}
