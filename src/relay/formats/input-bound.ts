// The input measure every format reports to admission, from what it counted in its body: every byte of text
// may be a token, inline media count at an allowance instead of their encoded bytes, and what the upstream
// fetches itself counts at a larger one; the estimate is what a lost request is charged.
import type { InputMeasure } from '../../services/admission/cost-bound.js';

/** What a format found in a body: inline media bytes (already inside the body's length) and media counts. */
export interface MediaCount {
  inlineBytes: number;
  images: number;
  external: number;
}

/** A vendor's allowances: the most an image or a fetched source can cost, its context, rough estimates. */
export interface InputAllowances {
  imageTokensMax: number;
  externalTokensMax: number;
  contextTokensMax: number;
  imageTokensEstimate: number;
}

/** For the estimate only: text runs about four bytes per token. */
const BYTES_PER_TOKEN_ESTIMATE = 4;

export function boundInput(
  bodyBytes: number,
  media: MediaCount,
  allowances: InputAllowances,
  cacheWrites: InputMeasure['cacheWrites'],
): InputMeasure {
  const textBytes = Math.max(0, bodyBytes - media.inlineBytes);
  const boundTokens = Math.min(
    allowances.contextTokensMax,
    textBytes + media.images * allowances.imageTokensMax + media.external * allowances.externalTokensMax,
  );
  const estimateTokens = Math.min(
    boundTokens,
    Math.ceil(textBytes / BYTES_PER_TOKEN_ESTIMATE) + media.images * allowances.imageTokensEstimate,
  );
  return { boundTokens, estimateTokens, cacheWrites };
}
