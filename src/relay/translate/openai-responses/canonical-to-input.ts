// Canonical messages as Responses `input` items, within what OpenAI accepts: images of its four types and size
// limits, documents of the types `input_file` reads, call ids of at most 64 characters, and reasoning only where
// OpenAI itself produced it (its encrypted content is the one proof of reasoning it can read back).
import { createHash } from 'node:crypto';
import type {
  AssistantPart,
  CanonicalMessage,
  FilePart,
  TextPart,
  UserPart,
} from '../../canonical/request.js';
import { record } from '../../formats/json-values.js';
import { unsupportedFeature } from '../unsupported.js';
import { base64Bytes, dataUrl, fileNameFor } from './media.js';
import { isOpenAIReasoning } from './reasoning-proof.js';

type Item = Record<string, unknown>;

/** OpenAI's image input limits: PNG, JPEG, WEBP or GIF; 20 MB each, 50 MB and 500 images per request. */
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);
const IMAGE_BYTES_MAX = 20 * 1024 * 1024;
const IMAGE_BYTES_TOTAL_MAX = 50 * 1024 * 1024;
const IMAGES_MAX = 500;
/** File inputs: documents, text and spreadsheets; 32 MB of content per request across files. */
const FILE_BYTES_TOTAL_MAX = 32 * 1024 * 1024;
const DOCUMENT_TYPE =
  /^(application\/(pdf|json|xml|rtf|msword|vnd\.(openxmlformats|ms-|oasis\.opendocument))|text\/)/;
/** `call_id` longer than this is refused (`string_above_max_length`). */
const CALL_ID_MAX = 64;

export function renderInput(messages: CanonicalMessage[]): Item[] {
  const renderer = new InputRenderer();
  for (const message of messages) {
    if (message.role === 'user') renderer.user(message.content);
    else if (message.role === 'system') renderer.system(message.content);
    else renderer.assistant(message.content);
  }
  return renderer.items;
}

/** A call id within OpenAI's limit; a longer one is replaced by its hash, the same for the call and its result. */
export function callId(id: string): string {
  if (id.length <= CALL_ID_MAX) return id;
  return `call_${createHash('sha256').update(id).digest('base64url')}`;
}

class InputRenderer {
  readonly items: Item[] = [];
  private imageBytes = 0;
  private images = 0;
  private fileBytes = 0;

  /** An instruction given mid-conversation: a developer message where it stood, as Codex sends them. */
  system(parts: TextPart[]): void {
    if (parts.length === 0) return;
    const content = parts.map((part) => ({ type: 'input_text', text: part.text }));
    this.items.push({ type: 'message', role: 'developer', content });
  }

  user(parts: UserPart[]): void {
    let content: Item[] = [];
    const flush = () => {
      if (content.length > 0) this.items.push({ type: 'message', role: 'user', content });
      content = [];
    };
    for (const part of parts) {
      if (part.type === 'tool-result') {
        flush();
        this.items.push({
          type: 'function_call_output',
          call_id: callId(part.toolCallId),
          output: this.output(part.content),
        });
      } else content.push(part.type === 'text' ? { type: 'input_text', text: part.text } : this.file(part));
    }
    flush();
  }

  assistant(parts: AssistantPart[]): void {
    let content: Item[] = [];
    const flush = () => {
      if (content.length > 0) this.items.push({ type: 'message', role: 'assistant', content });
      content = [];
    };
    for (const part of parts) {
      switch (part.type) {
        case 'text':
          content.push({ type: 'output_text', text: part.text });
          break;
        case 'tool-call':
          flush();
          this.items.push({
            type: 'function_call',
            call_id: callId(part.id),
            name: part.name,
            arguments: part.input || '{}',
          });
          break;
        case 'reasoning':
          // Another provider's reasoning cannot be shown to OpenAI as reasoning (it would refuse the request); the
          // answer it led to stays in the conversation.
          if (part.signature === undefined || !isOpenAIReasoning(part.signature)) break;
          flush();
          this.items.push({
            type: 'reasoning',
            summary: part.text === '' ? [] : [{ type: 'summary_text', text: part.text }],
            encrypted_content: part.signature,
          });
          break;
        case 'file':
          throw unsupportedFeature(`a file (${part.mediaType}) in an assistant message`, 'openai-responses');
        default: {
          const unknown: never = part;
          throw new Error(`unknown assistant part ${JSON.stringify(unknown)}`);
        }
      }
    }
    flush();
  }

  /** A tool's output: its text alone, or a list when it carries several parts or files. */
  private output(content: UserPart[]): string | Item[] {
    const [only] = content;
    if (content.length === 0) return '';
    if (content.length === 1 && only?.type === 'text') return only.text;
    return content.map((part) => {
      if (part.type === 'text') return { type: 'input_text', text: part.text };
      if (part.type === 'file') return this.file(part);
      throw unsupportedFeature('a tool result inside a tool result', 'openai-responses');
    });
  }

  private file(part: FilePart): Item {
    const raw = record(part.raw);
    if (part.mediaType.startsWith('image/')) {
      if (part.data !== undefined && !IMAGE_TYPES.has(part.mediaType)) {
        throw unsupportedFeature(
          `an image of type ${part.mediaType}`,
          'openai-responses',
          'OpenAI reads PNG, JPEG, WEBP and GIF',
        );
      }
      this.images += 1;
      const bytes = part.data === undefined ? 0 : base64Bytes(part.data);
      this.imageBytes += bytes;
      if (bytes > IMAGE_BYTES_MAX || this.imageBytes > IMAGE_BYTES_TOTAL_MAX || this.images > IMAGES_MAX) {
        throw unsupportedFeature(
          'images this large or this many',
          'openai-responses',
          'OpenAI takes up to 500 images, 20 MB each and 50 MB in all',
        );
      }
      const detail = typeof raw?.detail === 'string' ? raw.detail : 'auto';
      return { type: 'input_image', image_url: part.url ?? dataUrl(part.mediaType, part.data ?? ''), detail };
    }
    if (!DOCUMENT_TYPE.test(part.mediaType)) {
      throw unsupportedFeature(
        `a file of type ${part.mediaType}`,
        'openai-responses',
        'OpenAI reads images, documents, text and spreadsheets',
      );
    }
    if (part.url !== undefined) return { type: 'input_file', file_url: part.url };
    this.fileBytes += base64Bytes(part.data ?? '');
    if (this.fileBytes > FILE_BYTES_TOTAL_MAX) {
      throw unsupportedFeature(
        'files this large',
        'openai-responses',
        'OpenAI reads up to 32 MB of files per request',
      );
    }
    const filename = typeof raw?.filename === 'string' ? raw.filename : fileNameFor(part.mediaType);
    return { type: 'input_file', filename, file_data: dataUrl(part.mediaType, part.data ?? '') };
  }
}
