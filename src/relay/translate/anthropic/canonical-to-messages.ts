// Canonical system parts and messages → Anthropic `system` and `messages`, following the API's rules: the
// first message is the user's, roles alternate, tool results open their user message, text blocks are not
// empty, tool-call ids match `^[a-zA-Z0-9_-]+$`, and thinking blocks carry Anthropic's signature.
import type { AssistantPart, CanonicalMessage, TextPart, UserPart } from '../../canonical/request.js';
import { record } from '../../formats/json-values.js';
import { unsupportedFeature } from '../unsupported.js';
import { fileToAnthropic } from './canonical-to-files.js';
import { anthropicToolId } from './tool-ids.js';
import {
  cacheControlOf,
  type WireAssistantBlock,
  type WireMessage,
  type WireText,
  type WireToolResult,
  type WireUserBlock,
} from './wire.js';

/**
 * The opening user turn when a conversation starts with the assistant (or has no message at all): the API
 * requires one, and a single neutral character asks nothing of the model.
 */
export const OPENING_USER_TEXT = '.';

/** A text part as a block, keeping a cache marker the client set; the API refuses empty text blocks. */
export function textToAnthropic(part: TextPart): WireText | undefined {
  if (part.text === '') return undefined;
  const cacheControl = cacheControlOf(record(part.raw)?.cache_control);
  return { type: 'text', text: part.text, ...(cacheControl ? { cache_control: cacheControl } : {}) };
}

function userBlock(part: UserPart, where: string): WireUserBlock | undefined {
  switch (part.type) {
    case 'text':
      return textToAnthropic(part);
    case 'file':
      return fileToAnthropic(part, where);
    case 'tool-result': {
      const content: NonNullable<WireToolResult['content']> = [];
      part.content.forEach((inner, index) => {
        const block =
          inner.type === 'text'
            ? textToAnthropic(inner)
            : fileToAnthropic(inner, `${where}.content[${index}]`);
        if (block) content.push(block);
      });
      const cacheControl = cacheControlOf(record(part.raw)?.cache_control);
      return {
        type: 'tool_result',
        tool_use_id: anthropicToolId(part.toolCallId),
        ...(content.length > 0 ? { content } : {}),
        ...(part.isError ? { is_error: true } : {}),
        ...(cacheControl ? { cache_control: cacheControl } : {}),
      };
    }
    default: {
      const unknown: never = part;
      return unknown;
    }
  }
}

function toolInput(input: string, where: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = input.trim() === '' ? {} : JSON.parse(input);
  } catch {
    parsed = undefined;
  }
  const object = record(parsed);
  if (!object) {
    throw unsupportedFeature(
      `${where}: tool-call arguments that are not a JSON object`,
      'anthropic',
      'it takes tool input as an object',
    );
  }
  return object;
}

function assistantBlock(part: AssistantPart, where: string): WireAssistantBlock | undefined {
  switch (part.type) {
    case 'text':
      return textToAnthropic(part);
    case 'reasoning':
      if (part.redacted !== undefined) return { type: 'redacted_thinking', data: part.redacted };
      // The API checks every thinking block's signature and refuses one without it, so reasoning another
      // provider showed (or a client kept without its proof) cannot go back as thinking; it stays out.
      if (part.signature === undefined || part.signature === '') return undefined;
      return { type: 'thinking', thinking: part.text, signature: part.signature };
    case 'tool-call': {
      const cacheControl = cacheControlOf(record(part.raw)?.cache_control);
      return {
        type: 'tool_use',
        id: anthropicToolId(part.id),
        name: part.name,
        input: toolInput(part.input, where),
        ...(cacheControl ? { cache_control: cacheControl } : {}),
      };
    }
    case 'file':
      throw unsupportedFeature(
        `${where}: a file in an assistant message`,
        'anthropic',
        'assistant turns hold text, thinking and tool calls',
      );
    default: {
      const unknown: never = part;
      return unknown;
    }
  }
}

function renderMessage(message: CanonicalMessage, index: number): WireMessage {
  const where = `messages[${index}]`;
  if (message.role === 'user') {
    const content: WireUserBlock[] = [];
    message.content.forEach((part, at) => {
      const block = userBlock(part, `${where}.content[${at}]`);
      if (block) content.push(block);
    });
    return { role: 'user', content };
  }
  const content: WireAssistantBlock[] = [];
  message.content.forEach((part, at) => {
    const block = assistantBlock(part, `${where}.content[${at}]`);
    if (block) content.push(block);
  });
  return { role: 'assistant', content };
}

/** Tool results first: the API reads a user turn's results against the assistant turn just before it. */
function resultsFirst(content: WireUserBlock[]): WireUserBlock[] {
  const results = content.filter((block) => block.type === 'tool_result');
  return results.length === 0
    ? content
    : [...results, ...content.filter((block) => block.type !== 'tool_result')];
}

/**
 * A conversation ending with the assistant asks the model to continue that text, and the API refuses one
 * whose last text ends in white space ("final assistant content cannot end with trailing whitespace").
 */
function trimPrefill(content: WireAssistantBlock[]): void {
  const block = content.at(-1);
  if (block?.type !== 'text') return;
  const text = block.text.trimEnd();
  if (text === '') content.pop();
  else block.text = text;
}

export function messagesToAnthropic(messages: readonly CanonicalMessage[]): WireMessage[] {
  const merged: WireMessage[] = [];
  messages.forEach((message, index) => {
    const rendered = renderMessage(message, index);
    if (rendered.content.length === 0) return;
    const last = merged.at(-1);
    // Consecutive turns of one role become one turn, as the API itself would combine them.
    if (last?.role === 'user' && rendered.role === 'user') last.content.push(...rendered.content);
    else if (last?.role === 'assistant' && rendered.role === 'assistant')
      last.content.push(...rendered.content);
    else merged.push(rendered);
  });
  if (merged[0]?.role !== 'user') {
    merged.unshift({ role: 'user', content: [{ type: 'text', text: OPENING_USER_TEXT }] });
  }
  const last = merged.at(-1);
  if (last?.role === 'assistant') {
    trimPrefill(last.content);
    if (last.content.length === 0) merged.pop();
  }
  return merged.map((message) =>
    message.role === 'user' ? { role: 'user', content: resultsFirst(message.content) } : message,
  );
}

export function systemToAnthropic(system: readonly TextPart[]): WireText[] {
  return system.flatMap((part) => textToAnthropic(part) ?? []);
}
