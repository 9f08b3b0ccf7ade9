// The one refusal a translation gives for what the target format cannot express: a 400 in the client's
// format, naming the feature, rather than a request quietly sent without it.
import { AppError } from '../../errors/app-error.js';
import type { TranslatedFormat } from './translator.js';

export function unsupportedFeature(feature: string, target: TranslatedFormat, why?: string): AppError {
  return new AppError(
    'invalid_request',
    `${feature} cannot be translated for an account that speaks ${target}${why ? `: ${why}` : ''}; ` +
      'send it to a route whose accounts speak your format',
    { details: { reason: 'unsupported_feature', feature, target } },
  );
}
