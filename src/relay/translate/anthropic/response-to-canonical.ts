// A complete Anthropic Messages answer → the canonical response.
import type { CanonicalResponse } from '../../canonical/response.js';
import { record } from '../../formats/json-values.js';
import { finishFromAnthropic } from './finish-reason.js';
import { usageFromAnthropic } from './usage.js';

export function anthropicToCanonicalResponse(body: unknown): CanonicalResponse {
  const message = record(body) ?? {};
  const content: CanonicalResponse['content'] = [];
  const blocks = Array.isArray(message.content) ? message.content : [];
  for (const item of blocks) {
    const block = record(item);
    switch (block?.type) {
      case 'text':
        if (typeof block.text === 'string') content.push({ type: 'text', text: block.text, raw: block });
        break;
      case 'thinking':
        content.push({
          type: 'reasoning',
          text: typeof block.thinking === 'string' ? block.thinking : '',
          ...(typeof block.signature === 'string' && block.signature !== ''
            ? { signature: block.signature }
            : {}),
          raw: block,
        });
        break;
      case 'redacted_thinking':
        content.push({
          type: 'reasoning',
          text: '',
          redacted: typeof block.data === 'string' ? block.data : '',
          raw: block,
        });
        break;
      case 'tool_use':
        content.push({
          type: 'tool-call',
          id: typeof block.id === 'string' ? block.id : '',
          name: typeof block.name === 'string' ? block.name : '',
          input: JSON.stringify(block.input ?? {}),
          raw: block,
        });
        break;
      default:
        // Server tools' calls and results (web search, code execution) are the provider's own work; the
        // text blocks around them carry what the model made of it.
        break;
    }
  }
  return {
    id: typeof message.id === 'string' ? message.id : undefined,
    model: typeof message.model === 'string' ? message.model : '',
    content,
    usage: usageFromAnthropic(message.usage),
    finish: finishFromAnthropic(message.stop_reason),
  };
}
