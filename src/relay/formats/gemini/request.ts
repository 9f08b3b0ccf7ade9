// Parses a Gemini request just enough to route and account it. The model and the method are the path's
// (`models/{model}:streamGenerateContent`), not the body's; everything in the body passes through.
import type { Operation, RequestInfo, RequestPath } from '../relay-format.js';
import { checkFields, parseJsonObject } from '../wire-body.js';
import {
  codeAssistCountSchema,
  codeAssistGenerateSchema,
  geminiCountSchema,
  geminiGenerateSchema,
} from './schemas.js';

/** The path methods a Gemini client calls, as its route captures them. */
export const STREAM_METHOD = 'streamGenerateContent';

export function parseGeminiRequest(raw: Buffer, operation: Operation, path: RequestPath): RequestInfo {
  const body = parseJsonObject(raw);
  // The route's matcher only captures a model that is one plain path segment.
  const model = path.params.model ?? '';
  if (operation === 'count-tokens') {
    checkFields(geminiCountSchema, body);
    return { model, stream: false, maxTokens: undefined, body, clientHints: {} };
  }
  const fields = checkFields(geminiGenerateSchema, body);
  return {
    model,
    stream: path.params.method === STREAM_METHOD,
    maxTokens: fields.generationConfig?.maxOutputTokens ?? undefined,
    body,
    clientHints: {},
  };
}

/**
 * A request Gemini CLI wraps for Code Assist (`/v1internal:<method>`): the model is the wrapper's, the method the
 * path's, and the rest is a public request under `request`.
 */
export function parseCodeAssistRequest(raw: Buffer, operation: Operation, path: RequestPath): RequestInfo {
  const body = parseJsonObject(raw);
  if (operation === 'count-tokens') {
    const fields = checkFields(codeAssistCountSchema, body);
    return {
      model: fields.request.model.replace(/^models\//, ''),
      stream: false,
      maxTokens: undefined,
      body,
      clientHints: {},
    };
  }
  const fields = checkFields(codeAssistGenerateSchema, body);
  return {
    model: fields.model,
    stream: path.params.method === STREAM_METHOD,
    maxTokens: fields.request.generationConfig?.maxOutputTokens ?? undefined,
    body,
    clientHints: {},
  };
}
