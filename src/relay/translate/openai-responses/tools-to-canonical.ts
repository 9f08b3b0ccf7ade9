// A Responses request's tools and tool choice as canonical tools. Function tools map one to one; web search is
// the shared provider tool; namespaced and freeform tools become functions (tool-names.ts); OpenAI's other
// hosted tools (file search, computer use, code interpreter, MCP, image generation, shells) have no equivalent.
import type { CanonicalTool, ToolChoice, UnsupportedFeature } from '../../canonical/request.js';
import { record } from '../../formats/json-values.js';
import {
  invalidField,
  optionalBoolean,
  optionalObject,
  optionalString,
  requiredObject,
  requiredString,
} from './body-fields.js';
import { FREEFORM_INPUT_SCHEMA, qualifiedName } from './tool-names.js';

const WEB_SEARCH_TYPES = new Set([
  'web_search',
  'web_search_preview',
  'web_search_2025_08_26',
  'web_search_preview_2025_03_11',
]);

export function readTools(tools: unknown, unsupported: UnsupportedFeature[]): CanonicalTool[] {
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) throw invalidField('tools', 'must be an array');
  const read: CanonicalTool[] = [];
  tools.forEach((value, index) => {
    const field = `tools[${index}]`;
    const tool = requiredObject(value, field);
    const type = String(tool.type);
    if (type === 'function' || type === 'custom') {
      const function_ = readFunction(tool, field, undefined, unsupported);
      if (function_) read.push(function_);
    } else if (type === 'namespace') {
      read.push(...readNamespace(tool, field, unsupported));
    } else if (WEB_SEARCH_TYPES.has(type)) {
      read.push({ type: 'provider', kind: 'web_search', raw: tool });
    } else {
      unsupported.push({ feature: `${field}.type=${type}`, value: tool });
    }
  });
  const names = new Set<string>();
  for (const tool of read) {
    if (tool.type !== 'function') continue;
    if (names.has(tool.name))
      unsupported.push({ feature: `tools: two tools named ${tool.name}`, value: tool.raw });
    names.add(tool.name);
  }
  return read;
}

/** `raw` of a namespaced tool is its namespace narrowed to that tool: how the client declared it. */
function readNamespace(
  tool: Record<string, unknown>,
  field: string,
  unsupported: UnsupportedFeature[],
): CanonicalTool[] {
  const namespace = requiredString(tool.name, `${field}.name`);
  const description = optionalString(tool.description, `${field}.description`);
  if (!Array.isArray(tool.tools)) throw invalidField(`${field}.tools`, 'must be an array');
  const read: CanonicalTool[] = [];
  tool.tools.forEach((value, index) => {
    const innerField = `${field}.tools[${index}]`;
    const inner = requiredObject(value, innerField);
    const narrowed = { ...tool, tools: [inner] };
    const function_ = readFunction(inner, innerField, { namespace, description, raw: narrowed }, unsupported);
    if (function_) read.push(function_);
  });
  return read;
}

interface Namespace {
  namespace: string;
  description: string | undefined;
  raw: Record<string, unknown>;
}

function readFunction(
  tool: Record<string, unknown>,
  field: string,
  namespace: Namespace | undefined,
  unsupported: UnsupportedFeature[],
): CanonicalTool | undefined {
  const name = requiredString(tool.name, `${field}.name`);
  const own = optionalString(tool.description, `${field}.description`);
  // The model sees the namespace's description only through its tools'.
  const description = [namespace?.description, own]
    .filter((text) => text !== undefined && text !== '')
    .join('\n\n');
  const common = {
    type: 'function' as const,
    name: qualifiedName(name, namespace?.namespace),
    ...(description === '' ? {} : { description }),
    raw: namespace?.raw ?? tool,
  };
  if (tool.defer_loading === true) {
    // Deferred tools are found through OpenAI's tool search, which no other provider runs.
    unsupported.push({ feature: `${field}.defer_loading`, value: true });
    return undefined;
  }
  if (tool.type === 'custom') {
    const format = optionalObject(tool.format, `${field}.format`);
    if (format !== undefined && format.type !== 'text') {
      // A grammar constrains the model's output; a string parameter would drop the constraint.
      unsupported.push({ feature: `${field}.format.type=${String(format.type)}`, value: format });
      return undefined;
    }
    return { ...common, inputSchema: FREEFORM_INPUT_SCHEMA };
  }
  if (tool.type !== 'function') {
    unsupported.push({ feature: `${field}.type=${String(tool.type)}`, value: tool });
    return undefined;
  }
  const parameters = optionalObject(tool.parameters, `${field}.parameters`) ?? {
    type: 'object',
    properties: {},
  };
  const strict = optionalBoolean(tool.strict, `${field}.strict`);
  return { ...common, inputSchema: parameters, ...(strict === undefined ? {} : { strict }) };
}

export function readToolChoice(value: unknown, unsupported: UnsupportedFeature[]): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'auto' || value === 'none' || value === 'required') return { type: value };
  const choice = record(value);
  if (choice?.type === 'function' || choice?.type === 'custom') {
    return {
      type: 'tool',
      name: qualifiedName(requiredString(choice.name, 'tool_choice.name'), choice.namespace),
    };
  }
  // allowed_tools, a hosted tool, an MCP server: no canonical choice says it.
  unsupported.push({ feature: `tool_choice${choice ? `.type=${String(choice.type)}` : ''}`, value });
  return undefined;
}
