// Google AI Studio API keys (gemini-api accounts): Gemini clients' bodies go to the Generative Language API
// unchanged, to the model and method their path named, with the account's key in place of the relay's.
import { upstreamAcceptEncoding } from '../../upstream/encoding.js';
import { forwardedHeaders, headerText } from '../../upstream/forwarded-headers.js';
import { upstreamTarget } from '../../upstream/target.js';
import type { ProviderCall, UpstreamProvider } from '../upstream-provider.js';
import { googleHttpError } from './errors.js';

/** Client headers that describe the client to Google (the genai SDK's and Gemini CLI's); never auth headers. */
const FORWARDED = ['content-type', 'accept', 'user-agent', 'x-goog-api-client'] as const;

export const geminiProvider: UpstreamProvider = {
  formats: ['gemini'],
  operations: new Set(['generate', 'count-tokens']),
  acceptsOutputCap: true,
  async buildCall(call) {
    const target = upstreamTarget(call.runtime.account);
    const headers = forwardedHeaders(call.clientHeaders, FORWARDED, []);
    headers['content-type'] ??= 'application/json';
    headers['accept-encoding'] = call.stream
      ? 'identity'
      : upstreamAcceptEncoding(headerText(call.clientHeaders['accept-encoding']));
    const credential = await call.credential();
    if (call.runtime.account.authHeader === 'bearer') headers.authorization = `Bearer ${credential}`;
    else headers['x-goog-api-key'] = credential;
    return {
      origin: target.origin,
      path: `${target.basePath}/v1beta/models/${encodeURIComponent(call.model ?? '')}:${methodOf(call)}${call.query}`,
      method: 'POST',
      headers,
      body: call.body,
    };
  },
  httpError: googleHttpError,
  testModel: 'gemini-2.5-flash-lite',
};

/** The API method a Gemini route's call maps to. */
export function methodOf(call: Pick<ProviderCall, 'operation' | 'stream'>): string {
  if (call.operation === 'count-tokens') return 'countTokens';
  if (call.operation !== 'generate') throw new Error(`Gemini accounts cannot serve ${call.operation}`);
  return call.stream ? 'streamGenerateContent' : 'generateContent';
}
