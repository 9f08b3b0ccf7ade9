// Canonical tools and tool choice → Anthropic `tools` and `tool_choice`: functions as custom tools (an object
// schema at the root, names the API accepts), `web_search` as Anthropic's web search tool.
import type { CanonicalRequest, CanonicalTool, ToolChoice } from '../../canonical/request.js';
import { record } from '../../formats/json-values.js';
import { unsupportedFeature } from '../unsupported.js';
import { cacheControlOf } from './wire.js';

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

/** Another provider's web search settings that mean the same here (OpenAI's filters and location). */
function webSearchTool(raw: unknown): Record<string, unknown> {
  const settings = record(raw);
  if (typeof settings?.type === 'string' && settings.type.startsWith('web_search_')) return settings;
  const allowed = record(settings?.filters)?.allowed_domains;
  const location = record(settings?.user_location);
  return {
    type: 'web_search_20250305',
    name: 'web_search',
    ...(Array.isArray(allowed) ? { allowed_domains: allowed } : {}),
    ...(location?.type === 'approximate' ? { user_location: location } : {}),
  };
}

/**
 * The API requires an object at the schema's root; a schema that names no type (OpenAI's `{}` for a tool
 * without parameters) describes an object's properties all the same.
 */
function inputSchema(schema: Record<string, unknown>, where: string): Record<string, unknown> {
  if (schema.type === 'object') return schema;
  const combined = ['anyOf', 'oneOf', 'allOf', '$ref', 'not', 'enum', 'const'].some((key) => key in schema);
  if (schema.type === undefined && !combined) return { type: 'object', ...schema };
  throw unsupportedFeature(
    `${where}.inputSchema`,
    'anthropic',
    'a tool schema must be an object at its root',
  );
}

function toolToAnthropic(tool: CanonicalTool, index: number): Record<string, unknown> {
  const where = `tools[${index}]`;
  if (tool.type === 'provider') {
    if (tool.kind === 'web_search') return webSearchTool(tool.raw);
    throw unsupportedFeature(`${where}: the ${tool.kind} tool`, 'anthropic', 'it has no such server tool');
  }
  if (!TOOL_NAME.test(tool.name)) {
    throw unsupportedFeature(
      `${where}.name=${tool.name}`,
      'anthropic',
      'tool names match ^[a-zA-Z0-9_-]{1,128}$',
    );
  }
  const cacheControl = cacheControlOf(record(tool.raw)?.cache_control);
  return {
    name: tool.name,
    ...(tool.description !== undefined ? { description: tool.description } : {}),
    input_schema: inputSchema(tool.inputSchema, where),
    ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
    ...(cacheControl ? { cache_control: cacheControl } : {}),
  };
}

function choiceToAnthropic(choice: ToolChoice | undefined): Record<string, unknown> {
  switch (choice?.type) {
    case undefined:
    case 'auto':
      return { type: 'auto' };
    case 'none':
      return { type: 'none' };
    case 'required':
      return { type: 'any' };
    case 'tool':
      return { type: 'tool', name: choice.name };
    default: {
      const unknown: never = choice;
      return unknown;
    }
  }
}

export interface RenderedTools {
  tools?: Record<string, unknown>[];
  tool_choice?: Record<string, unknown>;
}

/**
 * `calledTools` are the names the conversation's tool calls use. The API refuses a conversation holding tool
 * calls when the request defines no tools, so those get a declaration that accepts any input, with the
 * choice `none`: the model reads its history and calls nothing, as the client asked by offering no tools.
 */
export function toolsToAnthropic(request: CanonicalRequest, calledTools: ReadonlySet<string>): RenderedTools {
  if (request.tools.length === 0) {
    if (calledTools.size === 0) return {};
    const tools = [...calledTools].map((name) => ({ name, input_schema: { type: 'object' } }));
    return { tools, tool_choice: { type: 'none' } };
  }
  const tools = request.tools.map(toolToAnthropic);
  if (request.toolChoice === undefined && request.parallelToolCalls !== false) return { tools };
  const choice = choiceToAnthropic(request.toolChoice);
  if (request.parallelToolCalls === false && choice.type !== 'none') choice.disable_parallel_tool_use = true;
  return { tools, tool_choice: choice };
}
