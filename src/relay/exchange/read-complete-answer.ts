// A complete (non-stream) success answer read for the client: decoded, unwrapped from the provider's wire form
// (Code Assist's), its usage read in the account's format, and turned into the client's format where the client
// speaks another. Usage is read before the translation: it is the upstream's own report, in its own units.
// Then answered: written to the client, or its translation's failure sent in the client's format.
import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { AppError } from '../../errors/app-error.js';
import type { UpstreamSignal } from '../../services/accounts/account-signals.js';
import { type TokenUsage, ZERO_USAGE } from '../../services/usage/usage-types.js';
import { type DecodedBody, decodeCompleteBody, writeCompleteAnswer } from './complete-answer.js';
import { answerError, type ExchangeRequest, type ExchangeResult } from './exchange-result.js';

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

/**
 * Reads and answers a complete success answer; the result of the exchange. An AppError, nothing sent, when the
 * body could not be decoded at all (the exchange answers it as a failure).
 */
export function answerComplete(
  request: ExchangeRequest,
  status: number,
  headers: IncomingHttpHeaders,
  raw: Buffer,
  signal: UpstreamSignal | undefined,
): ExchangeResult | AppError {
  const answer = readCompleteAnswer(request, raw, headers['content-encoding']);
  if (answer instanceof AppError) return answer;
  const { usage } = answer;
  const counted = { usage: usage ?? { ...ZERO_USAGE }, estimated: usage === undefined };
  // Billed by the upstream all the same: a failure keeps the usage it reported.
  if (answer.body instanceof AppError) return { ...answerError(request, answer.body, signal), ...counted };
  writeCompleteAnswer(request.res, status, headers, answer.body, request.clientAcceptEncoding);
  return {
    status,
    outcome: 'ok',
    ...counted,
    ttftMs: performance.now() - request.startedAt,
    errorCode: undefined,
    signal,
  };
}
