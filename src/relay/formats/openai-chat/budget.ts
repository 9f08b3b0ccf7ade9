// What a Chat Completions body means for a key's budget: a bound and an estimate of its input tokens (for the
// cost reservation), and the body with its output bound capped when only part of its worst case fits.
import type { InputMeasure } from '../../../services/admission/cost-bound.js';
import { topLevelFields } from '../../stream/json-scan.js';
import { boundInput, type InputAllowances, type MediaCount } from '../input-bound.js';

/**
 * A high-detail image costs OpenAI's models at most a few thousand tokens (about 1,000 as an estimate),
 * whatever its encoded size; a file or image the upstream fetches itself has a size unknown here; no OpenAI
 * model reads more than its context.
 */
const ALLOWANCES: InputAllowances = {
  imageTokensMax: 6_000,
  externalTokensMax: 200_000,
  contextTokensMax: 1_050_000,
  imageTokensEstimate: 1_000,
};

/** Every byte may be a token except inline images' base64, which count at the image allowance. */
export function measureChatInput(raw: Buffer, body: Record<string, unknown>): InputMeasure {
  const media: MediaCount = { inlineBytes: 0, images: 0, external: 0 };
  if (Array.isArray(body.messages)) {
    for (const message of body.messages) {
      const content =
        typeof message === 'object' && message !== null
          ? (message as Record<string, unknown>).content
          : undefined;
      if (Array.isArray(content)) for (const part of content) visitPart(part, media);
    }
  }
  return boundInput(raw.length, media, ALLOWANCES, 'none');
}

function visitPart(value: unknown, media: MediaCount): void {
  if (typeof value !== 'object' || value === null) return;
  const part = value as Record<string, unknown>;
  if (part.type === 'image_url') {
    const image = part.image_url;
    const url = typeof image === 'object' && image !== null ? (image as Record<string, unknown>).url : image;
    if (typeof url === 'string' && url.startsWith('data:')) {
      media.images += 1;
      media.inlineBytes += url.length;
    } else {
      media.external += 1;
    }
  } else if (part.type === 'file') {
    const file = part.file;
    const data =
      typeof file === 'object' && file !== null ? (file as Record<string, unknown>).file_data : undefined;
    // Inline file data counts by its bytes; a file id is fetched upstream.
    if (typeof data !== 'string') media.external += 1;
  }
}

/**
 * The body asking for at most `cap` output tokens, the rest of its bytes untouched: the field the client used
 * (`max_tokens` on older clients), else `max_completion_tokens`, which reasoning models require.
 */
export function capChatOutput(raw: Buffer, cap: number): Buffer {
  const fields = topLevelFields(raw, ['max_completion_tokens', 'max_tokens']);
  const range = fields.get('max_completion_tokens') ?? fields.get('max_tokens');
  if (!range) {
    return Buffer.concat([
      raw.subarray(0, 1),
      Buffer.from(`"max_completion_tokens":${cap},`),
      raw.subarray(1),
    ]);
  }
  return Buffer.concat([raw.subarray(0, range.start), Buffer.from(String(cap)), raw.subarray(range.end)]);
}
