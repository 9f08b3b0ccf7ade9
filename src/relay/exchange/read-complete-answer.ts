// A complete (non-stream) success answer read for the client: decoded, unwrapped from the provider's wire form
// (Code Assist's), its usage read in the account's format, and turned into the client's format where the client
// speaks another. Usage is read before the translation: it is the upstream's own report, in its own units.
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../../errors/app-error.js';
import type { TokenUsage } from '../../services/usage/usage-types.js';
import { type DecodedBody, decodeCompleteBody } from './complete-answer.js';
import type { ExchangeRequest } from './exchange-result.js';

export interface CompleteAnswer {
  /** What goes to the client; an AppError when a translated answer could not be read. */
  body: DecodedBody | AppError;
  usage: TokenUsage | undefined;
}

/** An AppError when the body cannot be decoded at all (nothing is known of its usage then). */
export function readCompleteAnswer(
  request: Pick<ExchangeRequest, 'translation' | 'format' | 'answer'>,
  raw: Buffer,
  contentEncoding: IncomingHttpHeaders[string],
): CompleteAnswer | AppError {
  const decoded = decodeCompleteBody(raw, contentEncoding);
  if (decoded instanceof AppError) return decoded;
  const convert = request.translation?.convertBody;
  const plain = convert ? convert(decoded.plain) : undefined;
  const body: DecodedBody = plain ? { raw: plain, plain, encoding: undefined } : decoded;
  const usage = request.format.usageFromBody(body.plain.toString('utf8'));
  if (!request.answer) return { body, usage };
  try {
    const translated = request.answer.body(body.plain);
    return { body: { raw: translated, plain: translated, encoding: undefined }, usage };
  } catch (cause) {
    return {
      body: new AppError('upstream_error', 'The upstream answer could not be read for translation', {
        cause,
      }),
      usage,
    };
  }
}
