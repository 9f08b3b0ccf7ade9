// Images and files as Responses carries them (data URLs, links, bare base64 with a file name) and as the
// canonical FilePart holds them (a media type with base64 bytes or a URL).

export interface DataUrl {
  mediaType: string;
  /** Base64 bytes. */
  data: string;
}

/** A `data:` URL's media type and bytes, as base64 whatever the URL's own encoding. */
export function parseDataUrl(url: string): DataUrl | undefined {
  if (!url.startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  if (comma === -1) return undefined;
  const header = url.slice(5, comma).split(';');
  const payload = url.slice(comma + 1);
  const mediaType = header[0] !== undefined && header[0] !== '' ? header[0].toLowerCase() : 'text/plain';
  if (header.includes('base64')) return { mediaType, data: payload };
  try {
    return { mediaType, data: Buffer.from(decodeURIComponent(payload), 'utf8').toString('base64') };
  } catch {
    return undefined;
  }
}

export function dataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}

const TYPES_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  html: 'text/html',
  xml: 'application/xml',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * The media type a link or file name implies by its extension. A link without one names none, so the caller
 * supplies the likeliest type for the part (an `input_image` is most often a JPEG photo, an `input_file` a PDF).
 */
export function mediaTypeOfName(name: string, fallback: string): string {
  const path = name.split(/[?#]/, 1)[0] ?? '';
  const dot = path.lastIndexOf('.');
  if (dot === -1 || dot < path.lastIndexOf('/')) return fallback;
  return TYPES_BY_EXTENSION[path.slice(dot + 1).toLowerCase()] ?? fallback;
}

/** A file name for inline bytes of `mediaType`, for upstream fields that require one. */
export function fileNameFor(mediaType: string): string {
  const extension = Object.entries(TYPES_BY_EXTENSION).find(([, type]) => type === mediaType)?.[0];
  return extension === undefined ? 'file' : `file.${extension}`;
}

/** Decoded size of base64 text, without decoding it. */
export function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}
