// Anthropic content blocks → canonical parts: text, images, documents, tool calls and results, thinking.
// Blocks with no canonical part (search results, server tool blocks, files by id) are recorded as unsupported.
import type {
  AssistantPart,
  FilePart,
  TextPart,
  ToolResultPart,
  UnsupportedFeature,
  UserPart,
} from '../../canonical/request.js';
import { record } from '../../formats/json-values.js';
import { invalidField } from './wire.js';

/** What a block reader needs besides the block: where it is (for messages) and where refusals go. */
export interface BlockContext {
  path: string;
  unsupported: UnsupportedFeature[];
}

/** Image types by file extension, for an image given by URL (Anthropic names no media type there). */
const IMAGE_EXTENSIONS: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
};

function imageTypeOfUrl(url: string): string {
  const path = url.split(/[?#]/, 1)[0] ?? '';
  const extension = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return IMAGE_EXTENSIONS[extension] ?? 'image/*';
}

/** The part keeps the block as sent only where the block says more than the part (cache markers, titles). */
function rawIfRicher(block: Record<string, unknown>, plain: readonly string[]): { raw?: unknown } {
  return Object.keys(block).some((key) => !plain.includes(key)) ? { raw: block } : {};
}

function stringField(block: Record<string, unknown>, name: string, path: string): string {
  const value = block[name];
  if (typeof value !== 'string') throw invalidField(`${path}.${name}`, 'field required (a string)');
  return value;
}

export function textPart(block: Record<string, unknown>, path: string): TextPart {
  return { type: 'text', text: stringField(block, 'text', path), ...rawIfRicher(block, ['type', 'text']) };
}

/** An `image` or `document` block; undefined (recorded) when its source has no canonical form. */
export function filePart(block: Record<string, unknown>, context: BlockContext): FilePart | undefined {
  const { path } = context;
  const source = record(block.source);
  if (!source) throw invalidField(`${path}.source`, 'field required (an object)');
  const extra = rawIfRicher(block, ['type', 'source']);
  const citations = record(block.citations);
  if (citations?.enabled === true) {
    // Cited answers carry citation blocks no canonical answer has.
    context.unsupported.push({ feature: `${path}.citations`, value: block.citations });
    return undefined;
  }
  const isImage = block.type === 'image';
  switch (source.type) {
    case 'base64': {
      const mediaType = stringField(source, 'media_type', `${path}.source`);
      return { type: 'file', mediaType, data: stringField(source, 'data', `${path}.source`), ...extra };
    }
    case 'url': {
      const url = stringField(source, 'url', `${path}.source`);
      return { type: 'file', mediaType: isImage ? imageTypeOfUrl(url) : 'application/pdf', url, ...extra };
    }
    case 'text':
      if (!isImage) {
        const text = stringField(source, 'data', `${path}.source`);
        const data = Buffer.from(text, 'utf8').toString('base64');
        return { type: 'file', mediaType: 'text/plain', data, ...extra };
      }
      break;
    default:
      break;
  }
  // Files by id live in one Anthropic workspace; content-block documents have no canonical form.
  context.unsupported.push({ feature: `${path}.source.type=${String(source.type)}`, value: block });
  return undefined;
}

function toolResultPart(block: Record<string, unknown>, context: BlockContext): ToolResultPart {
  const { path } = context;
  const content: (TextPart | FilePart)[] = [];
  const body = block.content;
  if (typeof body === 'string') content.push({ type: 'text', text: body });
  else if (Array.isArray(body)) {
    body.forEach((item, index) => {
      const inner = record(item);
      const innerPath = `${path}.content[${index}]`;
      if (!inner) throw invalidField(innerPath, 'must be a content block');
      if (inner.type === 'text') content.push(textPart(inner, innerPath));
      else if (inner.type === 'image' || inner.type === 'document') {
        const file = filePart(inner, { ...context, path: innerPath });
        if (file) content.push(file);
      } else context.unsupported.push({ feature: `${innerPath}.type=${String(inner.type)}`, value: inner });
    });
  } else if (body !== undefined && body !== null) {
    throw invalidField(`${path}.content`, 'must be a string or an array of content blocks');
  }
  return {
    type: 'tool-result',
    toolCallId: stringField(block, 'tool_use_id', path),
    content,
    ...(block.is_error === true ? { isError: true } : {}),
    ...rawIfRicher(block, ['type', 'tool_use_id', 'content', 'is_error']),
  };
}

export function userPart(block: Record<string, unknown>, context: BlockContext): UserPart | undefined {
  switch (block.type) {
    case 'text':
      return textPart(block, context.path);
    case 'image':
    case 'document':
      return filePart(block, context);
    case 'tool_result':
      return toolResultPart(block, context);
    case 'tool_use':
    case 'thinking':
    case 'redacted_thinking':
      throw invalidField(context.path, `a ${block.type} block belongs in an assistant message`);
    default:
      context.unsupported.push({ feature: `${context.path}.type=${String(block.type)}`, value: block });
      return undefined;
  }
}

export function assistantPart(
  block: Record<string, unknown>,
  context: BlockContext,
): AssistantPart | undefined {
  const { path } = context;
  switch (block.type) {
    case 'text':
      return textPart(block, path);
    case 'tool_use':
      return {
        type: 'tool-call',
        id: stringField(block, 'id', path),
        name: stringField(block, 'name', path),
        input: JSON.stringify(block.input ?? {}),
        ...rawIfRicher(block, ['type', 'id', 'name', 'input']),
      };
    case 'thinking':
      return {
        type: 'reasoning',
        text: stringField(block, 'thinking', path),
        ...(typeof block.signature === 'string' && block.signature !== ''
          ? { signature: block.signature }
          : {}),
        raw: block,
      };
    case 'redacted_thinking':
      return { type: 'reasoning', text: '', redacted: stringField(block, 'data', path), raw: block };
    case 'image':
    case 'document':
      return filePart(block, context);
    case 'tool_result':
      throw invalidField(path, 'a tool_result block belongs in a user message');
    default:
      // Server tool calls and their results (web search, code execution…) are the provider's own work.
      context.unsupported.push({ feature: `${path}.type=${String(block.type)}`, value: block });
      return undefined;
  }
}
