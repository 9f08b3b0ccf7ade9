// An Anthropic request's `tools` and `tool_choice` → canonical tools and tool choice. Custom tools become
// functions, web search becomes the `web_search` provider tool, every other server tool is unsupported.
import type { CanonicalTool, ToolChoice, UnsupportedFeature } from '../../canonical/request.js';
import { record } from '../../formats/json-values.js';
import { invalidField } from './wire.js';

/** Fields of a custom tool that only tune serving or streaming; the tool's raw keeps them for Anthropic. */
const CUSTOM_TOOL_FIELDS = new Set([
  'type',
  'name',
  'description',
  'input_schema',
  'strict',
  'cache_control',
  'eager_input_streaming',
]);

export function toolsToCanonical(value: unknown, unsupported: UnsupportedFeature[]): CanonicalTool[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidField('tools', 'must be an array of tools');
  const tools: CanonicalTool[] = [];
  value.forEach((item, index) => {
    const path = `tools[${index}]`;
    const tool = record(item);
    if (!tool) throw invalidField(path, 'must be a tool object');
    const type = tool.type;
    if (type === undefined || type === null || type === 'custom') {
      if (typeof tool.name !== 'string') throw invalidField(`${path}.name`, 'field required (a string)');
      const schema = record(tool.input_schema);
      if (!schema) throw invalidField(`${path}.input_schema`, 'field required (a JSON Schema object)');
      // Examples, deferred loading and callers change what the model sees or who may call the tool.
      for (const key of Object.keys(tool)) {
        if (!CUSTOM_TOOL_FIELDS.has(key)) unsupported.push({ feature: `${path}.${key}`, value: tool[key] });
      }
      tools.push({
        type: 'function',
        name: tool.name,
        ...(typeof tool.description === 'string' ? { description: tool.description } : {}),
        inputSchema: schema,
        ...(typeof tool.strict === 'boolean' ? { strict: tool.strict } : {}),
        raw: tool,
      });
      return;
    }
    if (typeof type === 'string' && type.startsWith('web_search_')) {
      tools.push({ type: 'provider', kind: 'web_search', raw: tool });
      return;
    }
    // bash, text editor, computer, code execution, web fetch, memory, tool search: Anthropic's own.
    unsupported.push({ feature: `${path}.type=${String(type)}`, value: tool });
  });
  return tools;
}

export interface ToolChoiceReading {
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
}

export function toolChoiceToCanonical(value: unknown): ToolChoiceReading {
  if (value === undefined || value === null) return {};
  const choice = record(value);
  if (!choice) throw invalidField('tool_choice', 'must be an object');
  const disable = choice.disable_parallel_tool_use;
  const parallel = typeof disable === 'boolean' ? { parallelToolCalls: !disable } : {};
  switch (choice.type) {
    case 'auto':
      return { toolChoice: { type: 'auto' }, ...parallel };
    case 'any':
      return { toolChoice: { type: 'required' }, ...parallel };
    case 'none':
      return { toolChoice: { type: 'none' } };
    case 'tool':
      if (typeof choice.name !== 'string')
        throw invalidField('tool_choice.name', 'field required (a string)');
      return { toolChoice: { type: 'tool', name: choice.name }, ...parallel };
    default:
      throw invalidField('tool_choice.type', 'must be one of "auto", "any", "tool", "none"');
  }
}
