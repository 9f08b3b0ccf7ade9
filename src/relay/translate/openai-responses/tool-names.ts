// Codex's namespaced tools (`{type:"namespace", name, tools:[…]}`) and freeform tools (`type:"custom"`, whose
// input is free text) have no canonical kind. Each becomes a plain function tool the model calls by a qualified
// name (`multi_agent_v1__spawn_agent`), a freeform one taking its text as the single string `input`; the client's
// own tool stays in the tool's `raw`, so an answer can name the call the way the client declared it.
import type { CanonicalRequest } from '../../canonical/request.js';
import { record } from '../../formats/json-values.js';

/** Joins a namespace and a tool name; `__` is legal in every upstream format's tool names. */
export const NAMESPACE_SEPARATOR = '__';

export function qualifiedName(name: string, namespace: unknown): string {
  return typeof namespace === 'string' && namespace !== ''
    ? `${namespace}${NAMESPACE_SEPARATOR}${name}`
    : name;
}

/** The schema of the function that stands for a freeform tool: its text input as one string. */
export const FREEFORM_INPUT_SCHEMA: Record<string, unknown> = {
  type: 'object',
  properties: { input: { type: 'string', description: 'The complete input for this tool, as free text.' } },
  required: ['input'],
  additionalProperties: false,
};

/** A freeform call's text as the arguments of the function that stands for it. */
export function freeformArguments(input: string): string {
  return JSON.stringify({ input });
}

/** The text a freeform call carries; arguments that are not `{"input": string}` are passed on as they are. */
export function freeformInput(argumentsJson: string): string {
  try {
    const input = record(JSON.parse(argumentsJson))?.input;
    if (typeof input === 'string') return input;
  } catch {
    // Not JSON: the model wrote the text itself.
  }
  return argumentsJson;
}

/** How the client declared the tool a canonical call names. */
export interface ClientToolName {
  kind: 'function' | 'custom';
  name: string;
  namespace?: string;
}

/**
 * The client's names for the tools of its request whose canonical name differs from its own or whose calls
 * are not function calls; a name not in the map is a plain function's.
 */
export function clientToolNames(request: CanonicalRequest): Map<string, ClientToolName> {
  const names = new Map<string, ClientToolName>();
  for (const tool of request.tools) {
    if (tool.type !== 'function') continue;
    const raw = record(tool.raw);
    if (raw?.type === 'namespace' && typeof raw.name === 'string' && Array.isArray(raw.tools)) {
      const inner = record(raw.tools[0]);
      if (typeof inner?.name !== 'string') continue;
      const kind = inner.type === 'custom' ? 'custom' : 'function';
      names.set(tool.name, { kind, name: inner.name, namespace: raw.name });
    } else if (raw?.type === 'custom' && typeof raw.name === 'string') {
      names.set(tool.name, { kind: 'custom', name: raw.name });
    }
  }
  return names;
}
