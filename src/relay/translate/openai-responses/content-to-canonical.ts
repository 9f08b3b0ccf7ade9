// Message content and tool-output content of a Responses request as canonical text and file parts. What has
// no canonical part (a stored file by id, audio) is recorded as unsupported, naming where it stood.
import type { FilePart, TextPart, UnsupportedFeature } from '../../canonical/request.js';
import { invalidField, optionalString, requiredObject, requiredString } from './body-fields.js';
import { mediaTypeOfName, parseDataUrl } from './media.js';

/** A link with no extension is most often a photo (`input_image`) or a document (`input_file`). */
const IMAGE_LINK_TYPE = 'image/jpeg';
const FILE_LINK_TYPE = 'application/pdf';

/** Content given as a string or a list of parts; an empty list reads as no parts. */
export function readContent(
  content: unknown,
  field: string,
  unsupported: UnsupportedFeature[],
): (TextPart | FilePart)[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw invalidField(field, 'must be a string or an array of content parts');
  const parts: (TextPart | FilePart)[] = [];
  content.forEach((part, index) => {
    const read = readPart(part, `${field}[${index}]`, unsupported);
    if (read) parts.push(read);
  });
  return parts;
}

function readPart(
  value: unknown,
  field: string,
  unsupported: UnsupportedFeature[],
): TextPart | FilePart | undefined {
  const part = requiredObject(value, field);
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: requiredString(part.text, `${field}.text`), raw: part };
    case 'refusal':
      return { type: 'text', text: requiredString(part.refusal, `${field}.refusal`), raw: part };
    case 'input_image':
      return readImage(part, field, unsupported);
    case 'input_file':
      return readFile(part, field, unsupported);
    default:
      unsupported.push({ feature: `${field}.type=${String(part.type)}`, value: part });
      return undefined;
  }
}

function readImage(
  part: Record<string, unknown>,
  field: string,
  unsupported: UnsupportedFeature[],
): FilePart | undefined {
  const url = optionalString(part.image_url, `${field}.image_url`);
  if (url === undefined) {
    // A file stored at OpenAI is readable only there.
    if (part.file_id !== undefined && part.file_id !== null) {
      unsupported.push({ feature: `${field}.file_id`, value: part.file_id });
      return undefined;
    }
    throw invalidField(`${field}.image_url`, 'field required (an image URL or a file_id)');
  }
  const inline = parseDataUrl(url);
  if (inline) return { type: 'file', mediaType: inline.mediaType, data: inline.data, raw: part };
  return { type: 'file', mediaType: mediaTypeOfName(url, IMAGE_LINK_TYPE), url, raw: part };
}

function readFile(
  part: Record<string, unknown>,
  field: string,
  unsupported: UnsupportedFeature[],
): FilePart | undefined {
  const filename = optionalString(part.filename, `${field}.filename`);
  const fileData = optionalString(part.file_data, `${field}.file_data`);
  if (fileData !== undefined) {
    const inline = parseDataUrl(fileData);
    if (inline) return { type: 'file', mediaType: inline.mediaType, data: inline.data, raw: part };
    // Bare base64: the file name is all that says what it holds.
    return {
      type: 'file',
      mediaType: mediaTypeOfName(filename ?? '', FILE_LINK_TYPE),
      data: fileData,
      raw: part,
    };
  }
  const url = optionalString(part.file_url, `${field}.file_url`);
  if (url !== undefined) {
    return { type: 'file', mediaType: mediaTypeOfName(filename ?? url, FILE_LINK_TYPE), url, raw: part };
  }
  if (part.file_id !== undefined && part.file_id !== null) {
    unsupported.push({ feature: `${field}.file_id`, value: part.file_id });
    return undefined;
  }
  throw invalidField(field, 'an input_file needs file_data, file_url or file_id');
}
