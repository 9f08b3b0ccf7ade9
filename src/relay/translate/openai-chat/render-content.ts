// Canonical files → Chat Completions content parts, within what the API reads: images (PNG, JPEG, WEBP, GIF;
// inline or by http(s) URL), PDFs (inline only) and wav/mp3 audio (inline only), and OpenAI's size limits.
import type { FilePart } from '../../canonical/request.js';
import { field } from '../../formats/json-values.js';
import { unsupportedFeature } from '../unsupported.js';
import { base64Bytes, dataUrlOf } from './media.js';

const MB = 1024 * 1024;
/** OpenAI's image input limits: 20 MB an image, 50 MB of image bytes and 500 images a request. */
const IMAGE_BYTES_MAX = 20 * MB;
const IMAGE_REQUEST_BYTES_MAX = 50 * MB;
const IMAGES_MAX = 500;
/** OpenAI's file input limit: 32 MB of file content a request, across its files. */
const FILE_REQUEST_BYTES_MAX = 32 * MB;

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/jpg', 'image/webp', 'image/gif']);
const AUDIO_FORMATS: Readonly<Record<string, 'wav' | 'mp3'>> = {
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
};

export type ChatFileContent =
  | { type: 'image_url'; image_url: { url: string; detail?: string } }
  | { type: 'file'; file: { filename: string; file_data: string } }
  | { type: 'input_audio'; input_audio: { data: string; format: 'wav' | 'mp3' } };

/** Counts what one request carries, against the per-request limits. */
export class MediaTally {
  private images = 0;
  private imageBytes = 0;
  private fileBytes = 0;
  private files = 0;

  image(bytes: number): void {
    this.images += 1;
    this.imageBytes += bytes;
    if (bytes > IMAGE_BYTES_MAX) refuse('an image over 20 MB', 'OpenAI reads images of up to 20 MB');
    if (this.imageBytes > IMAGE_REQUEST_BYTES_MAX) {
      refuse('over 50 MB of images', 'OpenAI reads up to 50 MB of images a request');
    }
    if (this.images > IMAGES_MAX) refuse('over 500 images', 'OpenAI reads up to 500 images a request');
  }

  /** The file's number in the request, for the filename Chat requires. */
  file(bytes: number): number {
    this.files += 1;
    this.fileBytes += bytes;
    if (this.fileBytes > FILE_REQUEST_BYTES_MAX) {
      refuse('over 32 MB of files', 'OpenAI reads up to 32 MB of files a request');
    }
    return this.files;
  }
}

export function chatFileContent(part: FilePart, tally: MediaTally): ChatFileContent {
  const mediaType = part.mediaType.toLowerCase();
  if (mediaType.startsWith('image/')) return image(part, mediaType, tally);
  if (mediaType === 'application/pdf') {
    if (part.data === undefined) refuse('a PDF by URL', 'Chat Completions takes files inline only');
    const number = tally.file(base64Bytes(part.data));
    const filename = field(field(part.raw, 'file'), 'filename');
    return {
      type: 'file',
      file: {
        // Chat requires a filename with inline file data; a file from another format may have none.
        filename: typeof filename === 'string' && filename !== '' ? filename : `document-${number}.pdf`,
        file_data: dataUrlOf({ mediaType, data: part.data }),
      },
    };
  }
  const format = AUDIO_FORMATS[mediaType];
  if (format) {
    if (part.data === undefined) refuse('audio by URL', 'Chat Completions takes audio inline only');
    return { type: 'input_audio', input_audio: { data: part.data, format } };
  }
  return refuse(`a ${part.mediaType} file`, 'Chat Completions reads images, PDFs and wav or mp3 audio');
}

function image(part: FilePart, mediaType: string, tally: MediaTally): ChatFileContent {
  const detail = field(field(part.raw, 'image_url'), 'detail');
  const withDetail = typeof detail === 'string' ? { detail } : {};
  if (part.data === undefined) {
    const url = part.url ?? '';
    if (!/^https?:\/\//i.test(url)) {
      refuse('an image by a non-http URL', 'Chat Completions fetches images by http(s) URL only');
    }
    return { type: 'image_url', image_url: { url, ...withDetail } };
  }
  if (!IMAGE_TYPES.has(mediaType)) {
    refuse(`a ${part.mediaType} image`, 'Chat Completions reads PNG, JPEG, WEBP and GIF images');
  }
  tally.image(base64Bytes(part.data));
  return { type: 'image_url', image_url: { url: dataUrlOf({ mediaType, data: part.data }), ...withDetail } };
}

function refuse(feature: string, why: string): never {
  throw unsupportedFeature(feature, 'openai-chat', why);
}
