// A Responses request's `input` items as canonical messages: leading system/developer messages become the system
// prompt, assistant-side items (messages, reasoning, calls) and user-side items (messages, call outputs) gather
// into alternating turns in their original order.
import type {
  AssistantPart,
  CanonicalMessage,
  TextPart,
  UnsupportedFeature,
  UserPart,
} from '../../canonical/request.js';
import { record } from '../../formats/json-values.js';
import {
  invalidField,
  optionalArray,
  optionalString,
  requiredObject,
  requiredString,
} from './body-fields.js';
import { readContent } from './content-to-canonical.js';
import { proofOf } from './reasoning-proof.js';
import { freeformArguments, qualifiedName } from './tool-names.js';

export interface CanonicalInput {
  system: TextPart[];
  messages: CanonicalMessage[];
}

export function readInput(input: unknown, unsupported: UnsupportedFeature[]): CanonicalInput {
  const reader = new InputReader(unsupported);
  if (typeof input === 'string') reader.user([{ type: 'text', text: input }]);
  else if (Array.isArray(input)) {
    input.forEach((item, index) => {
      reader.item(item, `input[${index}]`);
    });
  } else if (input !== undefined && input !== null)
    throw invalidField('input', 'must be a string or an array');
  return { system: reader.system, messages: reader.messages };
}

class InputReader {
  readonly system: TextPart[] = [];
  readonly messages: CanonicalMessage[] = [];
  /** Tool names by call id, for results (Gemini's function responses name their function). */
  private readonly callNames = new Map<string, string>();

  constructor(private readonly unsupported: UnsupportedFeature[]) {}

  item(value: unknown, field: string): void {
    const item = requiredObject(value, field);
    // An item without a type is the short message form `{role, content}`.
    const type = item.type ?? 'message';
    switch (type) {
      case 'message':
        this.message(item, field);
        return;
      case 'function_call':
      case 'custom_tool_call':
        this.call(item, field);
        return;
      case 'function_call_output':
      case 'custom_tool_call_output':
        this.callOutput(item, field);
        return;
      case 'reasoning':
        this.reasoning(item, field);
        return;
      default:
        // item_reference, hosted-tool calls, compaction: history that lives at OpenAI or has no canonical part.
        this.unsupported.push({ feature: `${field}.type=${String(type)}`, value: item });
    }
  }

  user(parts: UserPart[]): void {
    if (parts.length === 0) return;
    const last = this.messages.at(-1);
    if (last?.role === 'user') last.content.push(...parts);
    else this.messages.push({ role: 'user', content: parts });
  }

  private assistant(parts: AssistantPart[]): void {
    if (parts.length === 0) return;
    const last = this.messages.at(-1);
    if (last?.role === 'assistant') last.content.push(...parts);
    else this.messages.push({ role: 'assistant', content: parts });
  }

  private message(item: Record<string, unknown>, field: string): void {
    const role = requiredString(item.role, `${field}.role`);
    const parts = readContent(item.content, `${field}.content`, this.unsupported);
    switch (role) {
      case 'user':
        this.user(parts);
        return;
      case 'assistant':
        this.assistant(parts);
        return;
      case 'system':
      case 'developer':
        this.instructions(parts, field);
        return;
      default:
        throw invalidField(`${field}.role`, 'must be one of user, assistant, system, developer');
    }
  }

  /**
   * Instructions before the conversation are the system prompt; later ones (Codex's developer messages when a
   * setting changes) stay where they were given.
   */
  private instructions(parts: (TextPart | UserPart)[], field: string): void {
    const texts: TextPart[] = [];
    const into = this.messages.length > 0 ? texts : this.system;
    parts.forEach((part, index) => {
      if (part.type === 'text') into.push(part);
      else
        this.unsupported.push({
          feature: `${field}.content[${index}] (a file in instructions)`,
          value: part,
        });
    });
    if (texts.length > 0) this.messages.push({ role: 'system', content: texts });
  }

  private call(item: Record<string, unknown>, field: string): void {
    const id = requiredString(item.call_id, `${field}.call_id`);
    const name = qualifiedName(requiredString(item.name, `${field}.name`), item.namespace);
    const input =
      item.type === 'custom_tool_call'
        ? freeformArguments(requiredString(item.input, `${field}.input`))
        : requiredString(item.arguments, `${field}.arguments`);
    this.callNames.set(id, name);
    this.assistant([{ type: 'tool-call', id, name, input, raw: item }]);
  }

  private callOutput(item: Record<string, unknown>, field: string): void {
    const toolCallId = requiredString(item.call_id, `${field}.call_id`);
    const content = readContent(item.output ?? '', `${field}.output`, this.unsupported);
    const name = this.callNames.get(toolCallId);
    this.user([
      { type: 'tool-result', toolCallId, ...(name === undefined ? {} : { name }), content, raw: item },
    ]);
  }

  /** Summaries (or raw reasoning text where the model shows it) with the encrypted reasoning as the proof. */
  private reasoning(item: Record<string, unknown>, field: string): void {
    const texts = (entries: unknown[] | undefined) =>
      (entries ?? [])
        .map((entry) => record(entry)?.text)
        .filter((text): text is string => typeof text === 'string');
    const summary = texts(optionalArray(item.summary, `${field}.summary`));
    const text = summary.length > 0 ? summary : texts(optionalArray(item.content, `${field}.content`));
    const encrypted = optionalString(item.encrypted_content, `${field}.encrypted_content`);
    this.assistant([
      {
        type: 'reasoning',
        text: text.join('\n\n'),
        ...(encrypted === undefined ? {} : proofOf(encrypted)),
        raw: item,
      },
    ]);
  }
}
