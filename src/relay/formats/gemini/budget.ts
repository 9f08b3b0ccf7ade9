// What a Gemini request's body means for a key's budget: a bound and an estimate of its input tokens (for the
// cost reservation), and the body with `generationConfig.maxOutputTokens` capped when only part of its worst
// case fits. Gemini's output bound covers its thinking too, so capping it caps both.
import type { InputMeasure } from '../../../services/admission/cost-bound.js';
import { boundInput, type InputAllowances, type MediaCount } from '../input-bound.js';
import { record } from '../json-values.js';

/**
 * Gemini bills an image at 258 tokens per 768-pixel tile (about 1,000 for a typical photo); inline audio,
 * video and documents, and files the upstream fetches itself, cost by their length, unknown here, so they
 * count at the external allowance; no Gemini model reads more than about a million tokens.
 */
const ALLOWANCES: InputAllowances = {
  imageTokensMax: 6_000,
  externalTokensMax: 200_000,
  contextTokensMax: 1_048_576,
  imageTokensEstimate: 1_000,
};

/**
 * Every byte of the body may be a token except the base64 bytes of inline media, which count at their
 * allowance instead. Gemini bills no cache writes on a request (explicit caches are created apart).
 */
export function measureGeminiInput(raw: Buffer, body: Record<string, unknown>): InputMeasure {
  const media: MediaCount = { inlineBytes: 0, images: 0, external: 0 };
  const nested = record(body.generateContentRequest);
  for (const source of [body, nested]) {
    if (!source) continue;
    visitContents(source.contents, media);
    visitParts(record(source.systemInstruction)?.parts, media);
  }
  return boundInput(raw.length, media, ALLOWANCES, 'none');
}

function visitContents(contents: unknown, media: MediaCount): void {
  if (!Array.isArray(contents)) return;
  for (const content of contents) visitParts(record(content)?.parts, media);
}

function visitParts(parts: unknown, media: MediaCount): void {
  if (!Array.isArray(parts)) return;
  for (const value of parts) {
    const part = record(value);
    if (!part) continue;
    const inline = record(part.inlineData) ?? record(part.inline_data);
    if (inline && typeof inline.data === 'string') {
      const mimeType = typeof inline.mimeType === 'string' ? inline.mimeType : String(inline.mime_type ?? '');
      media.inlineBytes += inline.data.length;
      if (mimeType.startsWith('image/')) media.images += 1;
      else media.external += 1;
    } else if (part.fileData !== undefined || part.file_data !== undefined) {
      media.external += 1;
    }
  }
}

/**
 * The body asking for at most `cap` output tokens. The bound sits inside `generationConfig`, so the body is
 * written anew, which only a request capped by its key's budget pays for; a thinking budget that would leave no
 * room for the answer is halved.
 */
export function capGeminiOutput(body: Record<string, unknown>, cap: number): Buffer {
  const config: Record<string, unknown> = { ...(record(body.generationConfig) ?? {}), maxOutputTokens: cap };
  const thinking = record(config.thinkingConfig);
  const budget = thinking?.thinkingBudget;
  if (thinking && typeof budget === 'number' && budget >= cap) {
    config.thinkingConfig = { ...thinking, thinkingBudget: Math.floor(cap / 2) };
  }
  return Buffer.from(JSON.stringify({ ...body, generationConfig: config }));
}

/** A Code Assist wrapper with its inner request's output capped; the wrapper's other fields kept. */
export function capCodeAssistOutput(body: Record<string, unknown>, cap: number): Buffer {
  const inner = JSON.parse(capGeminiOutput(record(body.request) ?? {}, cap).toString('utf8')) as unknown;
  return Buffer.from(JSON.stringify({ ...body, request: inner }));
}
