// A canonical request as the body of a Gemini generateContent call. The model and streaming are the path's
// (`models/{model}:streamGenerateContent?alt=sse`), so the body names neither. Tool schemas go as
// `parametersJsonSchema`: full JSON Schema, mutually exclusive with the OpenAPI-subset `parameters`
// (https://ai.google.dev/api/caching#FunctionDeclaration), so nothing a schema says has to be stripped.

import type { CanonicalRequest, CanonicalTool, FunctionTool } from '../../canonical/request.js';
import { hoistSystemMessages } from '../../canonical/system-messages.js';
import { record } from '../../formats/json-values.js';
import { unsupportedFeature } from '../unsupported.js';
import { renderGenerationConfig } from './canonical-to-config.js';
import { renderContents } from './canonical-to-contents.js';

/** Google's rule for a function's name: a letter or underscore, then letters, digits, `_ . : -`; 128 at most. */
const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;

export function canonicalToGeminiRequest(request: CanonicalRequest, model: string): Record<string, unknown> {
  // Gemini takes instructions before the conversation only (`systemInstruction`).
  const conversation = hoistSystemMessages(request);
  const body: Record<string, unknown> = { contents: renderContents(conversation.messages, { chars: 0 }) };
  const system = conversation.system.filter((part) => part.text !== '');
  if (system.length > 0) body.systemInstruction = { parts: system.map((part) => ({ text: part.text })) };
  const tools = renderTools(request.tools);
  if (tools.length > 0) body.tools = tools;
  const toolConfig = renderToolConfig(request);
  if (toolConfig) body.toolConfig = toolConfig;
  const generationConfig = renderGenerationConfig(request, model);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  // A Gemini client's own content-filter settings, where the request came from one.
  if (Array.isArray(request.hints.safetySettings)) body.safetySettings = request.hints.safetySettings;
  // Gemini has no switch for parallel calls: a client that asked for one call at a time still reads a list.
  return body;
}

function renderTools(tools: readonly CanonicalTool[]): Record<string, unknown>[] {
  const functions = tools.filter((tool): tool is FunctionTool => tool.type === 'function');
  const rendered: Record<string, unknown>[] = [];
  if (functions.length > 0) rendered.push({ functionDeclarations: functions.map(declaration) });
  for (const tool of tools) {
    if (tool.type !== 'provider') continue;
    if (tool.kind !== 'web_search') {
      throw unsupportedFeature(`tools (the ${tool.kind} tool)`, 'gemini', 'Gemini has no such tool');
    }
    // A Gemini client's own search settings come back as they were; any other client's search is plain.
    const own = record(tool.raw)?.googleSearch;
    rendered.push({ googleSearch: record(own) ?? {} });
  }
  return rendered;
}

function declaration(tool: FunctionTool): Record<string, unknown> {
  if (!FUNCTION_NAME.test(tool.name)) {
    throw unsupportedFeature(
      `tools (the function name "${tool.name}")`,
      'gemini',
      'Gemini function names start with a letter or underscore and hold letters, digits, _ . : - (128 at most)',
    );
  }
  return {
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    parametersJsonSchema: tool.inputSchema,
  };
}

/**
 * Strict tools under an automatic choice are Gemini's VALIDATED mode (calls held to their schema); a forced
 * call is ANY, which Google validates already.
 */
function renderToolConfig(request: CanonicalRequest): Record<string, unknown> | undefined {
  const functions = request.tools.filter((tool) => tool.type === 'function');
  if (functions.length === 0) return undefined;
  const choice = request.toolChoice;
  const strict = functions.every((tool) => tool.strict === true);
  switch (choice?.type) {
    case undefined:
      return strict ? { functionCallingConfig: { mode: 'VALIDATED' } } : undefined;
    case 'auto':
      return { functionCallingConfig: { mode: strict ? 'VALIDATED' : 'AUTO' } };
    case 'none':
      return { functionCallingConfig: { mode: 'NONE' } };
    case 'required':
      return { functionCallingConfig: { mode: 'ANY' } };
    case 'tool':
      return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } };
    default: {
      const unknown: never = choice;
      return unknown;
    }
  }
}
