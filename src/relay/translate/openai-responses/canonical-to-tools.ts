// Canonical tools and tool choice as Responses tools. Function names must suit OpenAI (its error otherwise comes
// only after the account is spent on the attempt); the shared web search becomes OpenAI's `web_search` with the
// options it has an equivalent for.
import type { CanonicalTool, ToolChoice } from '../../canonical/request.js';
import { record } from '../../formats/json-values.js';
import { unsupportedFeature } from '../unsupported.js';

/** OpenAI's function names: letters, digits, `_`, `.` and `-`, at most 64 of them. */
const FUNCTION_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export function renderTools(tools: CanonicalTool[]): Record<string, unknown>[] {
  return tools.map((tool) => {
    if (tool.type === 'provider') return renderProviderTool(tool.kind, tool.raw);
    if (!FUNCTION_NAME.test(tool.name)) {
      throw unsupportedFeature(
        `the tool name ${JSON.stringify(tool.name)}`,
        'openai-responses',
        'OpenAI function names are 1 to 64 letters, digits, _ . or -',
      );
    }
    return {
      type: 'function',
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.inputSchema,
      // OpenAI makes functions strict unless told otherwise, which refuses most schemas not written for it.
      strict: tool.strict === true,
    };
  });
}

/**
 * Web search from a client of another format: Anthropic's allowed domains and location map to OpenAI's filters
 * and location; its per-request search cap has no OpenAI equivalent and is a limit, not content, so it lapses.
 * Blocked domains would widen the search, so they are refused.
 */
function renderProviderTool(kind: string, raw: unknown): Record<string, unknown> {
  if (kind !== 'web_search') throw unsupportedFeature(`the provider tool ${kind}`, 'openai-responses');
  const source = record(raw);
  if (typeof source?.type === 'string' && source.type.startsWith('web_search') && !('name' in source)) {
    return source; // a Responses client's own web search tool
  }
  const blocked = source?.blocked_domains;
  if (Array.isArray(blocked) && blocked.length > 0) {
    throw unsupportedFeature(
      'web search blocked_domains',
      'openai-responses',
      'OpenAI web search can only allow domains',
    );
  }
  const allowed = source?.allowed_domains;
  const location = record(source?.user_location);
  return {
    type: 'web_search',
    ...(Array.isArray(allowed) && allowed.length > 0 ? { filters: { allowed_domains: allowed } } : {}),
    ...(location ? { user_location: { ...location, type: 'approximate' } } : {}),
  };
}

export function renderToolChoice(choice: ToolChoice): unknown {
  return choice.type === 'tool' ? { type: 'function', name: choice.name } : choice.type;
}
