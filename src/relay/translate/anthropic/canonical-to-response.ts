// The canonical response → a complete Anthropic Messages answer, as the SDK's `Message` reads it.
import type { CanonicalResponse } from '../../canonical/response.js';
import { record } from '../../formats/json-values.js';
import type { AnswerContext } from '../translator.js';
import { finishToAnthropic } from './finish-reason.js';
import { anthropicToolId } from './tool-ids.js';
import { usageToAnthropic } from './usage.js';
import { anthropicMessageId, type WireAssistantBlock, type WireUsage } from './wire.js';

/**
 * A tool call's arguments as the object Anthropic clients read. Arguments that are not a JSON object (a call
 * cut off by the output limit) read as an empty object, as the API itself reports an unfinished input.
 */
export function toolInputObject(input: string): Record<string, unknown> {
  try {
    return record(JSON.parse(input)) ?? {};
  } catch {
    return {};
  }
}

export function answerBlocks(response: CanonicalResponse): WireAssistantBlock[] {
  const blocks: WireAssistantBlock[] = [];
  for (const part of response.content) {
    switch (part.type) {
      case 'text':
        if (part.text !== '') blocks.push({ type: 'text', text: part.text });
        break;
      case 'reasoning':
        if (part.redacted !== undefined) blocks.push({ type: 'redacted_thinking', data: part.redacted });
        // Reasoning another provider showed has no Anthropic signature; the field is required, so it is empty.
        else blocks.push({ type: 'thinking', thinking: part.text, signature: part.signature ?? '' });
        break;
      case 'tool-call':
        blocks.push({
          type: 'tool_use',
          id: anthropicToolId(part.id),
          name: part.name,
          input: toolInputObject(part.input),
        });
        break;
      default: {
        const unknown: never = part;
        return unknown;
      }
    }
  }
  return blocks;
}

export interface AnthropicMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: WireAssistantBlock[];
  stop_reason: string;
  stop_sequence: null;
  usage: WireUsage;
}

export function canonicalToAnthropicResponse(
  response: CanonicalResponse,
  context: AnswerContext,
): AnthropicMessage {
  return {
    id: anthropicMessageId(response.id, context.requestId),
    type: 'message',
    role: 'assistant',
    model: context.model,
    content: answerBlocks(response),
    stop_reason: finishToAnthropic(response.finish),
    // The canonical finish does not say which sequence matched.
    stop_sequence: null,
    usage: usageToAnthropic(response.usage),
  };
}
