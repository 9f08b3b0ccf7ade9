// Chat Completions messages → canonical system text and messages. System and developer messages are one
// instruction channel, hoisted into `system` in order; tool messages become tool results in a user turn,
// which takes the user message that follows them too (tool results and the next words are one turn).
import type {
  AssistantPart,
  CanonicalMessage,
  FilePart,
  TextPart,
  UnsupportedFeature,
  UserPart,
} from '../../canonical/request.js';
import { parseDataUrl } from './media.js';
import {
  assistantMessageSchema,
  type contentSchema,
  filePartSchema,
  functionCallSchema,
  imagePartSchema,
  invalidField,
  readAs,
  refusalPartSchema,
  systemMessageSchema,
  textPartSchema,
  toolMessageSchema,
  userMessageSchema,
} from './wire-schemas.js';

type Content = ReturnType<typeof contentSchema.parse>;

export interface ReadMessages {
  system: TextPart[];
  messages: CanonicalMessage[];
}

export function readMessages(
  list: readonly Record<string, unknown>[],
  unsupported: UnsupportedFeature[],
): ReadMessages {
  const read: ReadMessages = { system: [], messages: [] };
  // Chat's tool messages name only the call; Gemini's function responses also need its name.
  const toolNames = new Map<string, string>();
  list.forEach((message, index) => {
    const at = `messages[${index}]`;
    if (message.name !== undefined && message.name !== null) {
      unsupported.push({ feature: `${at}.name`, value: message.name });
    }
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = textOnly(readAs(systemMessageSchema, message, at).content, at, unsupported);
        // Instructions before the conversation are its system prompt; later ones stay where they were given.
        if (read.messages.length === 0) read.system.push(...text);
        else read.messages.push({ role: 'system', content: text });
        break;
      }
      case 'user':
        addUser(read.messages, userParts(readAs(userMessageSchema, message, at).content, at, unsupported));
        break;
      case 'assistant':
        read.messages.push({
          role: 'assistant',
          content: assistantParts(message, at, unsupported, toolNames),
        });
        break;
      case 'tool': {
        const tool = readAs(toolMessageSchema, message, at);
        const content = textOnly(tool.content, at, unsupported);
        const name = toolNames.get(tool.tool_call_id);
        addUser(read.messages, [
          { type: 'tool-result', toolCallId: tool.tool_call_id, ...(name ? { name } : {}), content },
        ]);
        break;
      }
      default:
        // `function` messages answer the deprecated `functions`, which carry no call id to tie them to.
        unsupported.push({ feature: `${at}.role=${String(message.role)}`, value: message.role });
    }
  });
  return read;
}

function addUser(messages: CanonicalMessage[], parts: UserPart[]): void {
  const last = messages.at(-1);
  const joins =
    last?.role === 'user' &&
    (parts.some((part) => part.type === 'tool-result') ||
      last.content.some((part) => part.type === 'tool-result'));
  if (last?.role === 'user' && joins) last.content.push(...parts);
  else messages.push({ role: 'user', content: parts });
}

/** System, developer and tool content: Chat allows text parts only there. */
function textOnly(content: Content, at: string, unsupported: UnsupportedFeature[]): TextPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  const parts: TextPart[] = [];
  content.forEach((part, index) => {
    const partAt = `${at}.content[${index}]`;
    if (part.type === 'text')
      parts.push({ type: 'text', text: readAs(textPartSchema, part, partAt).text, raw: part });
    else unsupported.push({ feature: `${partAt}.type=${part.type}`, value: part.type });
  });
  return parts;
}

function userParts(content: Content, at: string, unsupported: UnsupportedFeature[]): UserPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  const parts: UserPart[] = [];
  content.forEach((part, index) => {
    const partAt = `${at}.content[${index}]`;
    switch (part.type) {
      case 'text':
        parts.push({ type: 'text', text: readAs(textPartSchema, part, partAt).text, raw: part });
        break;
      case 'image_url':
        parts.push(imagePart(readAs(imagePartSchema, part, partAt).image_url.url, part, partAt));
        break;
      case 'file': {
        const file = readAs(filePartSchema, part, partAt).file;
        if (typeof file.file_data === 'string') parts.push(filePart(file.file_data, part));
        // A file id names an upload in the client's OpenAI project, which no other upstream can read.
        else unsupported.push({ feature: `${partAt}.file.file_id`, value: file.file_id ?? null });
        break;
      }
      default:
        // `input_audio` among them: the canonical model carries no audio input.
        unsupported.push({ feature: `${partAt}.type=${part.type}`, value: part.type });
    }
  });
  return parts;
}

function imagePart(url: string, raw: unknown, at: string): FilePart {
  if (!url.startsWith('data:')) return { type: 'file', mediaType: 'image/*', url, raw };
  const inline = parseDataUrl(url);
  if (!inline) throw invalidField(`${at}.image_url.url`, 'is not a valid data URL');
  return { type: 'file', mediaType: inline.mediaType, data: inline.data, raw };
}

/** `file_data` is a data URL; bare base64 is a PDF, the only file type Chat Completions reads. */
function filePart(fileData: string, raw: unknown): FilePart {
  const inline = parseDataUrl(fileData) ?? { mediaType: 'application/pdf', data: fileData };
  return { type: 'file', mediaType: inline.mediaType, data: inline.data, raw };
}

function assistantParts(
  message: Record<string, unknown>,
  at: string,
  unsupported: UnsupportedFeature[],
  toolNames: Map<string, string>,
): AssistantPart[] {
  const assistant = readAs(assistantMessageSchema, message, at);
  const parts: AssistantPart[] = [];
  const content = assistant.content ?? [];
  if (typeof content === 'string') parts.push({ type: 'text', text: content });
  else {
    content.forEach((part, index) => {
      const partAt = `${at}.content[${index}]`;
      if (part.type === 'text') {
        parts.push({ type: 'text', text: readAs(textPartSchema, part, partAt).text, raw: part });
      } else if (part.type === 'refusal') {
        parts.push({ type: 'text', text: readAs(refusalPartSchema, part, partAt).refusal, raw: part });
      } else unsupported.push({ feature: `${partAt}.type=${part.type}`, value: part.type });
    });
  }
  // A past refusal is what the model said; as text it keeps its words, and `raw` lets Chat render it back.
  if (assistant.refusal) {
    parts.push({
      type: 'text',
      text: assistant.refusal,
      raw: { type: 'refusal', refusal: assistant.refusal },
    });
  }
  (assistant.tool_calls ?? []).forEach((call, index) => {
    const callAt = `${at}.tool_calls[${index}]`;
    if (call.type !== 'function') {
      unsupported.push({ feature: `${callAt}.type=${call.type}`, value: call.type });
      return;
    }
    const fn = readAs(functionCallSchema, call, callAt).function;
    toolNames.set(call.id, fn.name);
    parts.push({ type: 'tool-call', id: call.id, name: fn.name, input: fn.arguments, raw: call });
  });
  for (const name of ['function_call', 'audio'] as const) {
    if (message[name] !== undefined && message[name] !== null) {
      unsupported.push({ feature: `${at}.${name}`, value: message[name] });
    }
  }
  return parts;
}
