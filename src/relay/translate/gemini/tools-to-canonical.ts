// A Gemini client's `tools` and `toolConfig` as canonical tools and tool choice. Google Search is the relay's
// `web_search`; Google's other server tools (code execution, URL context, Maps, computer use, file search) have
// no counterpart elsewhere and are refused by name.
import type { CanonicalTool, ToolChoice, UnsupportedFeature } from '../../canonical/request.js';
import { jsonSchemaOf } from './schema.js';
import {
  fieldError,
  optionalList,
  optionalObject,
  optionalString,
  optionalStrings,
  requiredObject,
  requiredString,
} from './wire-read.js';

/** Google's search tool, current and legacy (Gemini 1.5's `googleSearchRetrieval`). */
const SEARCH_TOOLS = ['googleSearch', 'googleSearchRetrieval'];

export function readTools(value: unknown, unsupported: UnsupportedFeature[]): CanonicalTool[] {
  const tools: CanonicalTool[] = [];
  optionalList(value, 'tools').forEach((item, index) => {
    const field = `tools[${index}]`;
    const tool = requiredObject(item, field);
    for (const [kind, config] of Object.entries(tool)) {
      if (kind === 'functionDeclarations') {
        optionalList(config, `${field}.functionDeclarations`).forEach((declaration, position) => {
          tools.push(functionTool(declaration, `${field}.functionDeclarations[${position}]`));
        });
      } else if (SEARCH_TOOLS.includes(kind)) {
        tools.push({ type: 'provider', kind: 'web_search', raw: { [kind]: config } });
      } else {
        unsupported.push({ feature: `${field}.${kind}`, value: config });
      }
    }
  });
  return tools;
}

function functionTool(value: unknown, field: string): CanonicalTool {
  const declaration = requiredObject(value, field);
  const name = requiredString(declaration.name, `${field}.name`);
  const description = optionalString(declaration.description, `${field}.description`);
  // Both absent: a function without parameters, which Google allows.
  const schema = declaration.parametersJsonSchema ?? declaration.parameters;
  return {
    type: 'function',
    name,
    ...(description === undefined ? {} : { description }),
    inputSchema: jsonSchemaOf(schema),
    raw: declaration,
  };
}

export interface ToolSettings {
  toolChoice?: ToolChoice;
  /** `VALIDATED`: calls are held to their schema, which the canonical model says per tool (`strict`). */
  strict: boolean;
}

export function readToolConfig(
  value: unknown,
  unsupported: UnsupportedFeature[],
  hints: Record<string, unknown>,
): ToolSettings {
  const config = optionalObject(value, 'toolConfig');
  if (!config) return { strict: false };
  for (const [key, setting] of Object.entries(config)) {
    if (key === 'functionCallingConfig') continue;
    // Where the user is (for Maps and Search grounding) only tunes serving.
    if (key === 'retrievalConfig') hints[`toolConfig.${key}`] = setting;
    else unsupported.push({ feature: `toolConfig.${key}`, value: setting });
  }
  const calling = optionalObject(config.functionCallingConfig, 'toolConfig.functionCallingConfig');
  if (!calling) return { strict: false };
  const field = 'toolConfig.functionCallingConfig';
  for (const [key, setting] of Object.entries(calling)) {
    if (key === 'mode' || key === 'allowedFunctionNames') continue;
    // Vertex's `streamFunctionCallArguments` changes how calls are framed, not what they say.
    if (key === 'streamFunctionCallArguments') hints[`${field}.${key}`] = setting;
    else unsupported.push({ feature: `${field}.${key}`, value: setting });
  }
  const mode = optionalString(calling.mode, `${field}.mode`) ?? 'MODE_UNSPECIFIED';
  const allowed = optionalStrings(calling.allowedFunctionNames, `${field}.allowedFunctionNames`) ?? [];
  const strict = mode === 'VALIDATED';
  switch (mode) {
    case 'MODE_UNSPECIFIED':
    case 'AUTO':
    case 'VALIDATED':
    case 'ANY': {
      const forced = mode === 'ANY';
      if (allowed.length === 1 && forced)
        return { toolChoice: { type: 'tool', name: allowed[0] ?? '' }, strict };
      // Several allowed names, or any with AUTO: a subset of the tools the canonical choice cannot name.
      if (allowed.length > 0) unsupported.push({ feature: `${field}.allowedFunctionNames`, value: allowed });
      return { toolChoice: { type: forced ? 'required' : 'auto' }, strict };
    }
    case 'NONE':
      return { toolChoice: { type: 'none' }, strict };
    default:
      throw fieldError(`${field}.mode`, 'must be one of AUTO, ANY, NONE, VALIDATED');
  }
}
