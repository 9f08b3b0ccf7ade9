// A Gemini client's `contents` and `systemInstruction` as canonical messages. A `thoughtSignature` on a part that
// is neither a thought nor a function call is kept as an empty reasoning part just before it, which the Gemini
// renderer hangs on that part again. Calls without an id (Google sends none) get one from their position, and a
// `functionResponse` without one answers the earliest unanswered call of its name.
import type {
  AssistantPart,
  CanonicalMessage,
  FilePart,
  TextPart,
  UnsupportedFeature,
  UserPart,
} from '../../canonical/request.js';
import { historyCallId } from './call-ids.js';
import { resultFromResponse } from './function-response.js';
import {
  fieldError,
  optionalList,
  optionalObject,
  optionalString,
  requiredObject,
  requiredString,
} from './wire-read.js';

/** Part kinds only Gemini's own tools produce or read: no other format has them. */
const GEMINI_ONLY = ['executableCode', 'codeExecutionResult', 'toolCall', 'toolResponse', 'videoMetadata'];

interface Reading {
  unsupported: UnsupportedFeature[];
  /** Ids of calls not yet answered, by function name, in history order. */
  unanswered: Map<string, string[]>;
}

export function readSystem(value: unknown, unsupported: UnsupportedFeature[]): TextPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  const content = optionalObject(value, 'systemInstruction');
  if (!content) return [];
  const system: TextPart[] = [];
  optionalList(content.parts, 'systemInstruction.parts').forEach((item, index) => {
    const field = `systemInstruction.parts[${index}]`;
    const text = optionalString(requiredObject(item, field).text, `${field}.text`);
    if (text === undefined) unsupported.push({ feature: field, value: item });
    else system.push({ type: 'text', text });
  });
  return system;
}

export function readContents(value: unknown, unsupported: UnsupportedFeature[]): CanonicalMessage[] {
  const reading: Reading = { unsupported, unanswered: new Map() };
  return optionalList(value, 'contents').map((item, contentIndex) => {
    const field = `contents[${contentIndex}]`;
    const content = requiredObject(item, field);
    const role = optionalString(content.role, `${field}.role`) ?? 'user';
    const parts = optionalList(content.parts, `${field}.parts`);
    if (role === 'model') {
      return {
        role: 'assistant',
        content: parts.flatMap((part, index) => modelPart(part, contentIndex, index, reading)),
      };
    }
    // `function` is the role older clients gave a turn of function responses.
    if (role === 'user' || role === 'function') {
      return {
        role: 'user',
        content: parts.flatMap((part, index) => userPart(part, contentIndex, index, reading)),
      };
    }
    throw fieldError(`${field}.role`, 'must be "user" or "model"');
  });
}

function modelPart(
  item: unknown,
  contentIndex: number,
  partIndex: number,
  reading: Reading,
): AssistantPart[] {
  const field = `contents[${contentIndex}].parts[${partIndex}]`;
  const part = requiredObject(item, field);
  const signature = optionalString(part.thoughtSignature, `${field}.thoughtSignature`);
  const call = optionalObject(part.functionCall, `${field}.functionCall`);
  if (call) {
    const name = requiredString(call.name, `${field}.functionCall.name`);
    const id = optionalString(call.id, `${field}.functionCall.id`) ?? historyCallId(contentIndex, partIndex);
    const args = optionalObject(call.args, `${field}.functionCall.args`) ?? {};
    const ids = reading.unanswered.get(name) ?? [];
    reading.unanswered.set(name, [...ids, id]);
    const input = JSON.stringify(args);
    return [{ type: 'tool-call', id, name, input, ...(signature ? { signature } : {}), raw: part }];
  }
  const text = optionalString(part.text, `${field}.text`);
  if (text !== undefined && part.thought === true) {
    return [{ type: 'reasoning', text, ...(signature ? { signature } : {}), raw: part }];
  }
  const signed: AssistantPart[] = signature ? [{ type: 'reasoning', text: '', signature }] : [];
  if (text !== undefined) return [...signed, { type: 'text', text, raw: part }];
  const file = filePart(part, field, reading);
  if (file) return [...signed, file];
  if (signed.length > 0 && Object.keys(part).length === 1) return signed;
  return unsupportedPart(part, field, reading);
}

function userPart(item: unknown, contentIndex: number, partIndex: number, reading: Reading): UserPart[] {
  const field = `contents[${contentIndex}].parts[${partIndex}]`;
  const part = requiredObject(item, field);
  if (part.functionCall !== undefined) {
    throw fieldError(`${field}.functionCall`, 'a function call belongs in a content of role "model"');
  }
  const response = optionalObject(part.functionResponse, `${field}.functionResponse`);
  if (response) return [toolResult(response, `${field}.functionResponse`, contentIndex, partIndex, reading)];
  // A thought signature means nothing on the user's own parts; the text is what counts.
  const text = optionalString(part.text, `${field}.text`);
  if (text !== undefined) return [{ type: 'text', text, raw: part }];
  const file = filePart(part, field, reading);
  if (file) return [file];
  return unsupportedPart(part, field, reading);
}

function toolResult(
  response: Record<string, unknown>,
  field: string,
  contentIndex: number,
  partIndex: number,
  reading: Reading,
): UserPart {
  const name = requiredString(response.name, `${field}.name`);
  const pending = reading.unanswered.get(name) ?? [];
  const given = optionalString(response.id, `${field}.id`);
  const id = given ?? pending[0] ?? historyCallId(contentIndex, partIndex);
  reading.unanswered.set(
    name,
    pending.filter((pendingId) => pendingId !== id),
  );
  const result = resultFromResponse(optionalObject(response.response, `${field}.response`) ?? {});
  const files = optionalList(response.parts, `${field}.parts`).flatMap((item, index) => {
    const file = filePart(
      requiredObject(item, `${field}.parts[${index}]`),
      `${field}.parts[${index}]`,
      reading,
    );
    return file ? [file] : [];
  });
  return {
    type: 'tool-result',
    toolCallId: id,
    name,
    content: [...result.content, ...files],
    ...(result.isError ? { isError: true } : {}),
    raw: response,
  };
}

/** `inlineData` or `fileData`; a clip of a video (`videoMetadata`) changes what the model sees: refused. */
function filePart(part: Record<string, unknown>, field: string, reading: Reading): FilePart | undefined {
  if (part.videoMetadata !== undefined) {
    reading.unsupported.push({ feature: `${field}.videoMetadata`, value: part.videoMetadata });
  }
  const inline = optionalObject(part.inlineData, `${field}.inlineData`);
  if (inline) {
    const mediaType = requiredString(inline.mimeType, `${field}.inlineData.mimeType`);
    return {
      type: 'file',
      mediaType,
      data: requiredString(inline.data, `${field}.inlineData.data`),
      raw: part,
    };
  }
  const linked = optionalObject(part.fileData, `${field}.fileData`);
  if (!linked) return undefined;
  const url = requiredString(linked.fileUri, `${field}.fileData.fileUri`);
  // Google infers the type of an uploaded file it knows; other formats need one named.
  const mediaType =
    optionalString(linked.mimeType, `${field}.fileData.mimeType`) ?? 'application/octet-stream';
  return { type: 'file', mediaType, url, raw: part };
}

function unsupportedPart(part: Record<string, unknown>, field: string, reading: Reading): [] {
  const kind = GEMINI_ONLY.find((name) => part[name] !== undefined);
  if (kind !== 'videoMetadata') {
    reading.unsupported.push({ feature: kind ? `${field}.${kind}` : field, value: part });
  }
  return [];
}
