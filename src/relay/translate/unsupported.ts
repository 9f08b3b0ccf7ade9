// The one refusal a translation gives for what the target format cannot express: a 400 in the client's
// format, naming the feature, rather than a request quietly sent without it.
import { AppError } from '../../errors/app-error.js';
import type { TranslatedFormat } from './translator.js';

/** `target` undefined: the feature has no form outside the client's own format. */
export function unsupportedFeature(
  feature: string,
  target: TranslatedFormat | undefined,
  why?: string,
): AppError {
  const where = target === undefined ? 'to another format' : `for an account that speaks ${target}`;
  return new AppError(
    'invalid_request',
    `${feature} cannot be translated ${where}${why ? `: ${why}` : ''}; ` +
      'send it to a route whose accounts speak your format',
    { details: { reason: 'unsupported_feature', feature, ...(target === undefined ? {} : { target }) } },
  );
}
