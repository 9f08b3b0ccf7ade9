// Canonical system text and messages → Chat Completions messages. Tool results go out as `tool` messages right
// after the assistant message holding their calls, as the API requires, before the rest of the user's turn.
import { createHash } from 'node:crypto';
import type { AssistantPart, CanonicalRequest, TextPart, UserPart } from '../../canonical/request.js';
import { field } from '../../formats/json-values.js';
import { unsupportedFeature } from '../unsupported.js';
import { type ChatFileContent, chatFileContent, MediaTally } from './render-content.js';

type TextContent = string | { type: 'text'; text: string }[];
type UserContent = string | ({ type: 'text'; text: string } | ChatFileContent)[];

export type ChatMessage =
  | { role: 'system'; content: TextContent }
  | { role: 'user'; content: UserContent }
  | { role: 'assistant'; content: TextContent | null; refusal?: string; tool_calls?: ChatToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: TextContent };

interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export function renderMessages(request: CanonicalRequest): ChatMessage[] {
  const messages: ChatMessage[] = [];
  // `system` rather than `developer`: OpenAI reads it as developer for reasoning models, and the servers that
  // speak Chat without being OpenAI know `system` only.
  if (request.system.length > 0) messages.push({ role: 'system', content: textContent(request.system) });
  const tally = new MediaTally();
  for (const message of request.messages) {
    if (message.role === 'assistant') messages.push(assistantMessage(message.content));
    else if (message.role === 'system') {
      // Chat takes instructions anywhere in the conversation: this one stays where it was given.
      if (message.content.length > 0)
        messages.push({ role: 'system', content: textContent(message.content) });
    } else messages.push(...userMessages(message.content, tally));
  }
  return messages;
}

function textContent(parts: readonly TextPart[]): TextContent {
  if (parts.length === 1 && parts[0]) return parts[0].text;
  return parts.map((part) => ({ type: 'text', text: part.text }));
}

function userMessages(parts: readonly UserPart[], tally: MediaTally): ChatMessage[] {
  const tools: ChatMessage[] = [];
  const content: Exclude<UserContent, string> = [];
  for (const part of parts) {
    switch (part.type) {
      case 'tool-result': {
        const texts = part.content.map((item) => {
          // Chat's tool messages carry text only.
          if (item.type === 'file') throw unsupportedFeature('a file in a tool result', 'openai-chat');
          return item;
        });
        // Chat has no error flag on a tool result; the result's own text says what went wrong.
        tools.push({
          role: 'tool',
          tool_call_id: chatToolCallId(part.toolCallId),
          content: toolContent(texts),
        });
        break;
      }
      case 'text':
        content.push({ type: 'text', text: part.text });
        break;
      case 'file':
        content.push(chatFileContent(part, tally));
        break;
    }
  }
  if (content.length === 0) return tools;
  const only = content[0];
  const user: ChatMessage = {
    role: 'user',
    content: content.length === 1 && only?.type === 'text' ? only.text : content,
  };
  return [...tools, user];
}

function toolContent(parts: readonly TextPart[]): TextContent {
  return parts.length === 0 ? '' : textContent(parts);
}

function assistantMessage(parts: readonly AssistantPart[]): ChatMessage {
  const texts: TextPart[] = [];
  const refusals: string[] = [];
  const calls: ChatToolCall[] = [];
  for (const part of parts) {
    switch (part.type) {
      case 'text':
        if (field(part.raw, 'type') === 'refusal') refusals.push(part.text);
        else texts.push(part);
        break;
      case 'reasoning':
        // Reasoning has no place in Chat input: the API takes no reasoning back, and OpenAI's reasoning models
        // keep their own between turns only through the Responses API.
        break;
      case 'tool-call':
        calls.push({
          id: chatToolCallId(part.id),
          type: 'function',
          function: { name: part.name, arguments: part.input },
        });
        break;
      case 'file':
        throw unsupportedFeature('a file in an assistant message', 'openai-chat', 'assistants say text only');
    }
  }
  return {
    role: 'assistant',
    // Content may be null only beside tool calls or a refusal.
    content: texts.length > 0 ? textContent(texts) : calls.length > 0 || refusals.length > 0 ? null : '',
    ...(refusals.length > 0 ? { refusal: refusals.join('') } : {}),
    ...(calls.length > 0 ? { tool_calls: calls } : {}),
  };
}

/** OpenAI refuses tool call ids over 40 characters. */
const TOOL_CALL_ID_MAX = 40;

/**
 * The id a tool call goes out with: its own when OpenAI takes it, else a digest of it, the same for the call
 * and its result, so that the pair still matches.
 */
export function chatToolCallId(id: string): string {
  if (id.length > 0 && id.length <= TOOL_CALL_ID_MAX) return id;
  const digest = createHash('sha256').update(id).digest('base64url');
  return `call_${digest.slice(0, TOOL_CALL_ID_MAX - 'call_'.length)}`;
}
