// Files for a Gemini upstream. Bytes go inline (`inlineData`); a URL goes as `fileData`, which Gemini fetches
// itself: public and signed http(s) URLs, its Files API and Cloud Storage URIs (Gemini API update of January
// 2026, https://ai.google.dev/gemini-api/docs/file-input-methods); a data: URL is inline bytes. Refused before
// Google would refuse: a type Gemini does not read (GIF among images: it takes PNG, JPEG, WEBP, HEIC, HEIF),
// inline bytes past the 100 MB request limit, a PDF past 50 MB.
import type { FilePart } from '../../canonical/request.js';
import { unsupportedFeature } from '../unsupported.js';

/** Inline data a request may carry, as base64 text ("100MB, base64 encoded"). */
const INLINE_LIMIT_CHARS = 100 * 1024 * 1024;
const PDF_LIMIT_BYTES = 50 * 1024 * 1024;

const IMAGE_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/jpg',
  'image/webp',
  'image/heic',
  'image/heif',
]);
const DOCUMENT_TYPES = new Set([
  'application/pdf',
  'application/json',
  'application/rtf',
  'application/x-javascript',
  'application/x-python',
  'application/x-typescript',
]);
/** What Google infers itself from a file it holds (a Gemini client's `fileData` without a type). */
const UNKNOWN_TYPE = 'application/octet-stream';
const LINKED_SCHEMES = ['https:', 'http:', 'gs:'];
const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

/** Inline bytes already placed in the request being rendered. */
export interface InlineBudget {
  chars: number;
}

export function geminiFilePart(
  part: FilePart,
  feature: string,
  budget: InlineBudget,
): Record<string, unknown> {
  if (part.data !== undefined) return inline(part.mediaType, part.data, feature, budget);
  const url = part.url ?? '';
  const dataUrl = DATA_URL.exec(url);
  if (dataUrl) return inline(dataUrl[1] ?? part.mediaType, dataUrl[2] ?? '', feature, budget);
  let scheme: string;
  try {
    scheme = new URL(url).protocol;
  } catch {
    throw unsupportedFeature(`${feature} (a file URL that is not a URL)`, 'gemini');
  }
  if (!LINKED_SCHEMES.includes(scheme)) {
    throw unsupportedFeature(
      `${feature} (a ${scheme} URL)`,
      'gemini',
      'Gemini fetches http(s) and gs: URLs only',
    );
  }
  if (part.mediaType === UNKNOWN_TYPE) return { fileData: { fileUri: url } };
  checkType(part.mediaType, feature);
  return { fileData: { mimeType: part.mediaType, fileUri: url } };
}

function inline(
  mediaType: string,
  data: string,
  feature: string,
  budget: InlineBudget,
): Record<string, unknown> {
  checkType(mediaType, feature);
  budget.chars += data.length;
  if (budget.chars > INLINE_LIMIT_CHARS) {
    throw unsupportedFeature(
      `${feature} (inline files over 100 MB)`,
      'gemini',
      'Gemini takes at most 100 MB inline',
    );
  }
  if (mediaType === 'application/pdf' && Math.floor((data.length * 3) / 4) > PDF_LIMIT_BYTES) {
    throw unsupportedFeature(`${feature} (a PDF over 50 MB)`, 'gemini', 'Gemini reads PDFs of at most 50 MB');
  }
  return { inlineData: { mimeType: mediaType, data } };
}

function checkType(mediaType: string, feature: string): void {
  const type = mediaType.toLowerCase();
  const [family] = type.split('/');
  const readable =
    IMAGE_TYPES.has(type) ||
    DOCUMENT_TYPES.has(type) ||
    family === 'text' ||
    family === 'audio' ||
    family === 'video';
  if (!readable) throw unsupportedFeature(`${feature} (a file of type ${mediaType})`, 'gemini');
}
