// An Anthropic request's `system` and `messages` → canonical system parts and messages.
import type {
  AssistantPart,
  CanonicalMessage,
  TextPart,
  UnsupportedFeature,
  UserPart,
} from '../../canonical/request.js';
import { record } from '../../formats/json-values.js';
import { assistantPart, textPart, userPart } from './blocks-to-canonical.js';
import { invalidField } from './wire.js';

export function systemToCanonical(value: unknown): TextPart[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value === '' ? [] : [{ type: 'text', text: value }];
  if (!Array.isArray(value)) throw invalidField('system', 'must be a string or an array of text blocks');
  return value.map((item, index) => {
    const block = record(item);
    if (block?.type !== 'text') throw invalidField(`system[${index}]`, 'must be a text block');
    return textPart(block, `system[${index}]`);
  });
}

function blocksOf(content: unknown, path: string): Record<string, unknown>[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw invalidField(path, 'must be a string or an array of content blocks');
  return content.map((item, index) => {
    const block = record(item);
    if (!block) throw invalidField(`${path}[${index}]`, 'must be a content block');
    return block;
  });
}

export function messagesToCanonical(value: unknown, unsupported: UnsupportedFeature[]): CanonicalMessage[] {
  if (!Array.isArray(value)) throw invalidField('messages', 'field required (an array of messages)');
  const messages: CanonicalMessage[] = [];
  value.forEach((item, index) => {
    const path = `messages[${index}]`;
    const message = record(item);
    if (!message) throw invalidField(path, 'must be a message object');
    const blocks = blocksOf(message.content, `${path}.content`);
    switch (message.role) {
      case 'user': {
        const content: UserPart[] = [];
        blocks.forEach((block, at) => {
          const part = userPart(block, { path: `${path}.content[${at}]`, unsupported });
          if (part) content.push(part);
        });
        messages.push({ role: 'user', content });
        return;
      }
      case 'assistant': {
        const content: AssistantPart[] = [];
        blocks.forEach((block, at) => {
          const part = assistantPart(block, { path: `${path}.content[${at}]`, unsupported });
          if (part) content.push(part);
        });
        messages.push({ role: 'assistant', content });
        return;
      }
      case 'system': {
        // A system turn inside the conversation (Claude Code sends them), kept where it stands.
        const content: TextPart[] = [];
        blocks.forEach((block, at) => {
          const part = userPart(block, { path: `${path}.content[${at}]`, unsupported });
          if (part?.type === 'text') content.push(part);
          else if (part)
            unsupported.push({ feature: `${path}.content[${at}] in a system turn`, value: block });
        });
        messages.push({ role: 'system', content });
        return;
      }
      default:
        throw invalidField(`${path}.role`, 'must be "user" or "assistant"');
    }
  });
  return messages;
}
