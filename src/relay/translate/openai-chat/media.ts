// Data URLs, the one way Chat Completions carries inline bytes (`image_url.url`, `file.file_data`).

export interface InlineData {
  mediaType: string;
  /** Base64. */
  data: string;
}

/** `data:<type>[;params][;base64],<data>`; undefined when the text is not a data URL. */
export function parseDataUrl(url: string): InlineData | undefined {
  if (!url.startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  if (comma === -1) return undefined;
  const header = url.slice(5, comma).split(';');
  const mediaType = (header[0] ?? '').trim().toLowerCase() || 'text/plain';
  const payload = url.slice(comma + 1);
  if (header.slice(1).some((param) => param.trim().toLowerCase() === 'base64')) {
    return { mediaType, data: payload };
  }
  // A percent-encoded data URL is rare but legal; canonical bytes are always base64.
  try {
    return { mediaType, data: Buffer.from(decodeURIComponent(payload), 'utf8').toString('base64') };
  } catch {
    return undefined;
  }
}

export function dataUrlOf(inline: InlineData): string {
  return `data:${inline.mediaType};base64,${inline.data}`;
}

/** Bytes a base64 text decodes to, without decoding it. */
export function base64Bytes(data: string): number {
  let padding = 0;
  if (data.endsWith('==')) padding = 2;
  else if (data.endsWith('=')) padding = 1;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}
