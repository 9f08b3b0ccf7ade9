// What an Anthropic request's body means for a key's budget: a bound and an estimate of its input tokens
// (for the cost reservation), and the body with its output capped when only part of its worst case fits.
import { AppError } from '../../../errors/app-error.js';
import type { InputMeasure } from '../../../services/admission/cost-bound.js';
import { topLevelFields } from '../../stream/json-scan.js';
import { boundInput, type InputAllowances, type MediaCount } from '../input-bound.js';

/**
 * Anthropic bills an image by its pixels (about width × height / 750 tokens), and scales images down to about
 * 1.15 megapixels first: some 1,600 tokens (the estimate). The allowance leaves room for larger inputs on newer
 * models; a document or image the upstream fetches itself has a size unknown here; no Claude model reads more
 * than its context.
 */
const ALLOWANCES: InputAllowances = {
  imageTokensMax: 5_000,
  externalTokensMax: 200_000,
  contextTokensMax: 1_000_000,
  imageTokensEstimate: 1_600,
};
/** Extended thinking needs a budget of at least this many tokens, below `max_tokens`. */
const THINKING_BUDGET_MIN = 1_024;

/**
 * Every byte of the body may be a token (a token is at least one byte) except the base64 bytes of inline
 * images, which count at the image allowance instead; sources fetched upstream count at their allowance.
 * The body's own structure (keys, quotes, escapes) only adds bytes, so the bound stays a bound.
 */
export function measureAnthropicInput(raw: Buffer, body: Record<string, unknown>): InputMeasure {
  const media: MediaCount = { inlineBytes: 0, images: 0, external: 0 };
  visitBlocks(body.messages, media, 0);
  visitBlocks(body.system, media, 0);
  return boundInput(raw.length, media, ALLOWANCES, cacheWrites(raw));
}

/** Cache writes are billed only at the breakpoints a request marks; a one-hour one anywhere costs the most. */
function cacheWrites(raw: Buffer): InputMeasure['cacheWrites'] {
  if (raw.indexOf('"cache_control"') === -1) return 'none';
  return raw.indexOf('"1h"') === -1 ? '5m' : '1h';
}

/** Content blocks of messages (and tool results inside them), looking only at media sources. */
function visitBlocks(value: unknown, media: MediaCount, depth: number): void {
  if (depth > 4 || !Array.isArray(value)) return;
  for (const item of value) {
    if (typeof item !== 'object' || item === null) continue;
    const block = item as Record<string, unknown>;
    if (depth === 0 && 'content' in block) {
      visitBlocks(block.content, media, depth + 1);
      continue;
    }
    const source = block.source;
    if (
      typeof source === 'object' &&
      source !== null &&
      (block.type === 'image' || block.type === 'document')
    ) {
      const { type, data, media_type: mediaType } = source as Record<string, unknown>;
      if (type === 'base64' && block.type === 'image' && typeof data === 'string') {
        media.images += 1;
        media.inlineBytes += data.length;
      } else if (type === 'url' || type === 'file') {
        media.external += 1;
      } else if (type === 'base64' && typeof mediaType === 'string' && mediaType.startsWith('image/')) {
        media.images += 1;
      }
      // Base64 PDFs and text documents count by their bytes: a page costs fewer tokens than its bytes.
    }
    if (Array.isArray(block.content)) visitBlocks(block.content, media, depth + 1);
  }
}

/**
 * The body with `max_tokens` lowered to `cap` (and an extended-thinking budget below it), the rest of its bytes
 * untouched. Throws the refusal to send when even thinking's minimum budget does not fit.
 */
export function capAnthropicOutput(raw: Buffer, body: Record<string, unknown>, cap: number): Buffer {
  const fields = topLevelFields(raw, ['max_tokens', 'thinking']);
  const edits: Array<{ start: number; end: number; value: string }> = [];
  const thinking = body.thinking;
  if (typeof thinking === 'object' && thinking !== null) {
    const settings = thinking as Record<string, unknown>;
    const budget = settings.budget_tokens;
    if (settings.type === 'enabled' && typeof budget === 'number' && budget >= cap) {
      if (cap <= THINKING_BUDGET_MIN) throw doesNotFit(cap);
      const range = fields.get('thinking');
      if (!range) throw doesNotFit(cap);
      edits.push({ ...range, value: JSON.stringify({ ...settings, budget_tokens: cap - 1 }) });
    }
  }
  const maxTokens = fields.get('max_tokens');
  if (maxTokens) edits.push({ ...maxTokens, value: String(cap) });
  else edits.push({ start: 1, end: 1, value: `"max_tokens":${cap},` });
  edits.sort((a, b) => a.start - b.start);
  const parts: Buffer[] = [];
  let at = 0;
  for (const edit of edits) {
    parts.push(raw.subarray(at, edit.start), Buffer.from(edit.value));
    at = edit.end;
  }
  parts.push(raw.subarray(at));
  return Buffer.concat(parts);
}

function doesNotFit(cap: number): AppError {
  return new AppError(
    'quota_exceeded',
    `This request's worst case does not fit in what is left of this API key's spending limit: it leaves room ` +
      `for ${cap} output tokens, less than extended thinking needs (${THINKING_BUDGET_MIN + 1})`,
    { details: { reason: 'does_not_fit', outputTokens: cap } },
  );
}
