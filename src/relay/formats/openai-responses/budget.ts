// What a Responses request's body means for a key's budget: a bound and an estimate of its input tokens (for
// the cost reservation), and the body with `max_output_tokens` capped when only part of its worst case fits.
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

/**
 * Every byte of the body may be a token except the base64 bytes of inline images, which count at the image
 * allowance instead; what the upstream fetches counts at its allowance. OpenAI bills no cache writes.
 */
export function measureResponsesInput(raw: Buffer, body: Record<string, unknown>): InputMeasure {
  const media: MediaCount = { inlineBytes: 0, images: 0, external: 0 };
  if (Array.isArray(body.input)) for (const item of body.input) visitItem(item, media);
  return boundInput(raw.length, media, ALLOWANCES, 'none');
}

/** Input items and the content parts of messages, looking only at images and files. */
function visitItem(item: unknown, media: MediaCount): void {
  if (typeof item !== 'object' || item === null) return;
  const part = item as Record<string, unknown>;
  if (Array.isArray(part.content)) {
    for (const inner of part.content) visitItem(inner, media);
    return;
  }
  if (part.type === 'input_image') {
    const url = part.image_url;
    if (typeof url === 'string' && url.startsWith('data:')) {
      media.images += 1;
      media.inlineBytes += url.length;
    } else {
      media.external += 1;
    }
  } else if (part.type === 'input_file' && typeof part.file_data !== 'string') {
    // Inline file data counts by its bytes; a file id or URL is fetched upstream.
    media.external += 1;
  }
}

/** The body with `max_output_tokens` set to `cap`, the rest of its bytes untouched. */
export function capResponsesOutput(raw: Buffer, cap: number): Buffer {
  const range = topLevelFields(raw, ['max_output_tokens']).get('max_output_tokens');
  if (!range) {
    return Buffer.concat([raw.subarray(0, 1), Buffer.from(`"max_output_tokens":${cap},`), raw.subarray(1)]);
  }
  return Buffer.concat([raw.subarray(0, range.start), Buffer.from(String(cap)), raw.subarray(range.end)]);
}
