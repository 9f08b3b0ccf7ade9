// A Gemini client's generateContent request as a canonical request. The model and whether it streams are the
// path's (`models/{model}:streamGenerateContent`), never the body's. Serving-only fields become hints under
// their Gemini names; a field no other format can honour becomes an unsupported feature, never a silent drop.
import type { CanonicalRequest } from '../../canonical/request.js';
import { sortOtherFields } from '../other-fields.js';
import { applyGenerationConfig } from './config-to-canonical.js';
import { readContents, readSystem } from './contents-to-canonical.js';
import { readToolConfig, readTools } from './tools-to-canonical.js';

/** Read by the functions below. */
const READ = new Set([
  'contents',
  'systemInstruction',
  'tools',
  'toolConfig',
  'generationConfig',
  // Ignored by Google itself (the path names the model); Gemini CLI's wrapper fields never reach here.
  'model',
]);
/** Content filters, billing labels and the serving tier only tune how Google serves the request. */
const HINTS = new Set(['safetySettings', 'labels', 'serviceTier']);
export function geminiToCanonicalRequest(
  body: Record<string, unknown>,
  model: string,
  stream: boolean,
): CanonicalRequest {
  // `cachedContent` names a cache on Google's side: its contents are not in the request.
  const { hints, unsupported } = sortOtherFields(body, READ, HINTS);
  const tools = readTools(body.tools, unsupported);
  const settings = readToolConfig(body.toolConfig, unsupported, hints);
  const request: CanonicalRequest = {
    model,
    stream,
    system: readSystem(body.systemInstruction, unsupported),
    messages: readContents(body.contents, unsupported),
    tools: settings.strict
      ? tools.map((tool) => (tool.type === 'function' ? { ...tool, strict: true } : tool))
      : tools,
    hints,
    unsupported,
  };
  if (settings.toolChoice) request.toolChoice = settings.toolChoice;
  applyGenerationConfig(request, body.generationConfig);
  return request;
}
