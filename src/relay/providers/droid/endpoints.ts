// Factory's LLM gateway speaks each vendor's own format at its own path (under `<base>/api/llm`): Anthropic
// Messages under `/a`, OpenAI Responses and Chat Completions under `/o`. Paths from the old relay
// (Wei-Shaw/claude-relay-service src/services/relay/droidRelayService.js `endpoints`).
import type { FormatName } from '../../formats/relay-format.js';

export const DROID_ENDPOINTS = {
  anthropic: '/a/v1/messages',
  'openai-responses': '/o/v1/responses',
  'openai-chat': '/o/v1/chat/completions',
} as const satisfies Partial<Record<FormatName, string>>;

/** The formats a Droid account answers, each at its endpoint. */
export type DroidFormat = keyof typeof DROID_ENDPOINTS;

export function isDroidFormat(format: FormatName): format is DroidFormat {
  return Object.hasOwn(DROID_ENDPOINTS, format);
}
