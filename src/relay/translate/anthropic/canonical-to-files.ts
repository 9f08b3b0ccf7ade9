// Canonical file parts → Anthropic image and document blocks, within what the Messages API takes: JPEG, PNG,
// GIF and WebP images (inline up to 5 MB, or by URL), PDFs (inline or by URL) and plain-text documents.
import type { FilePart } from '../../canonical/request.js';
import { record } from '../../formats/json-values.js';
import { unsupportedFeature } from '../unsupported.js';
import { cacheControlOf, type WireDocument, type WireImage } from './wire.js';

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/**
 * The API refuses an inline image whose base64 text exceeds 5 MB ("image exceeds 5 MB maximum: … bytes >
 * 5242880 bytes"): the limit counts the encoded characters, not the decoded bytes.
 */
const IMAGE_BASE64_MAX = 5 * 1024 * 1024;

/** Base64 openings of the image formats Anthropic reads, for an image whose client named no exact type. */
const IMAGE_SIGNATURES: ReadonlyArray<[string, string]> = [
  ['iVBORw0KGgo', 'image/png'],
  ['/9j/', 'image/jpeg'],
  ['R0lGOD', 'image/gif'],
  ['UklGR', 'image/webp'],
];

interface Inline {
  mediaType: string;
  data?: string;
  url?: string;
}

/** A `data:` URL is inline data in URL clothing (OpenAI clients send images so); anything else stays a URL. */
function inlineOf(part: FilePart): Inline {
  const url = part.url;
  if (url === undefined || !url.startsWith('data:')) return part;
  const comma = url.indexOf(',');
  const header = url.slice(5, comma === -1 ? 5 : comma);
  const [mediaType = '', ...flags] = header.split(';');
  const payload = comma === -1 ? '' : url.slice(comma + 1);
  const data = flags.includes('base64')
    ? payload
    : Buffer.from(decodeURIComponent(payload), 'utf8').toString('base64');
  return { mediaType: mediaType === '' ? part.mediaType : mediaType, data };
}

function imageType(inline: Inline): string | undefined {
  const type = inline.mediaType.toLowerCase() === 'image/jpg' ? 'image/jpeg' : inline.mediaType.toLowerCase();
  if (IMAGE_TYPES.has(type)) return type;
  if (type !== 'image/*' && type !== 'image') return undefined;
  const data = inline.data;
  if (data === undefined) return type;
  return IMAGE_SIGNATURES.find(([opening]) => data.startsWith(opening))?.[1];
}

/** What the client's own Anthropic block said beyond the source, where the part came from one. */
function extrasOf(part: FilePart): Pick<WireDocument, 'title' | 'context' | 'cache_control'> {
  const raw = record(part.raw);
  if (!raw) return {};
  const cacheControl = cacheControlOf(raw.cache_control);
  return {
    ...(typeof raw.title === 'string' ? { title: raw.title } : {}),
    ...(typeof raw.context === 'string' ? { context: raw.context } : {}),
    ...(cacheControl ? { cache_control: cacheControl } : {}),
  };
}

export function fileToAnthropic(part: FilePart, where: string): WireImage | WireDocument {
  const inline = inlineOf(part);
  const extras = extrasOf(part);
  if (inline.mediaType.toLowerCase().startsWith('image')) {
    const mediaType = imageType(inline);
    if (!mediaType) {
      throw unsupportedFeature(
        `${where}: an image of type ${inline.mediaType}`,
        'anthropic',
        'it reads JPEG, PNG, GIF and WebP',
      );
    }
    const { cache_control: cacheControl } = extras;
    const marker = cacheControl ? { cache_control: cacheControl } : {};
    if (inline.url !== undefined)
      return { type: 'image', source: { type: 'url', url: inline.url }, ...marker };
    const data = inline.data ?? '';
    if (data.length > IMAGE_BASE64_MAX) {
      throw unsupportedFeature(
        `${where}: an image larger than 5 MB`,
        'anthropic',
        'its limit is 5 MB of base64 per image',
      );
    }
    return { type: 'image', source: { type: 'base64', media_type: mediaType, data }, ...marker };
  }
  switch (inline.mediaType.toLowerCase()) {
    case 'application/pdf':
      return inline.url !== undefined
        ? { type: 'document', source: { type: 'url', url: inline.url }, ...extras }
        : {
            type: 'document',
            source: { type: 'base64', media_type: 'application/pdf', data: inline.data ?? '' },
            ...extras,
          };
    case 'text/plain':
      if (inline.data !== undefined) {
        const text = Buffer.from(inline.data, 'base64').toString('utf8');
        return {
          type: 'document',
          source: { type: 'text', media_type: 'text/plain', data: text },
          ...extras,
        };
      }
      throw unsupportedFeature(
        `${where}: a text document by URL`,
        'anthropic',
        'it fetches only PDFs and images',
      );
    default:
      throw unsupportedFeature(
        `${where}: a file of type ${inline.mediaType}`,
        'anthropic',
        'it reads images, PDFs and plain text',
      );
  }
}
