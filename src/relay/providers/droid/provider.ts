// Factory's Droid accounts (a `fk-…` API key, or the WorkOS tokens of a Droid CLI sign-in): Anthropic Messages,
// OpenAI Responses and Chat Completions bodies go to Factory's LLM gateway unchanged, each to the endpoint of its
// format, with the headers Droid sends there and the account's credential in place of the relay key.
import { upstreamHttpError } from '../../exchange/upstream-error-body.js';
import type { Operation } from '../../formats/relay-format.js';
import { upstreamTarget } from '../../upstream/target.js';
import type { ProviderCall, UpstreamProvider } from '../upstream-provider.js';
import { DROID_ENDPOINTS, type DroidFormat, isDroidFormat } from './endpoints.js';
import { droidUpstreamHeaders } from './headers.js';

export const droidProvider: UpstreamProvider = {
  // Connection tests speak the first: Anthropic, which every Droid plan serves.
  formats: ['anthropic', 'openai-responses', 'openai-chat'],
  // Model lists are drawn by the relay (Factory publishes none); token counts are not served.
  operations: new Set<Operation>(['generate']),
  acceptsOutputCap: true,
  async buildCall(call) {
    const format = formatOf(call);
    const target = upstreamTarget(call.runtime.account);
    const headers = droidUpstreamHeaders(call.clientHeaders, {
      format,
      model: call.model,
      stream: call.stream,
      credential: await call.credential(),
    });
    return {
      origin: target.origin,
      path: `${target.basePath}${DROID_ENDPOINTS[format]}${call.query}`,
      method: 'POST',
      headers,
      body: call.body,
    };
  },
  httpError: upstreamHttpError,
  // The id Factory's Anthropic endpoint answers to (Haiku 4.5 is on every Droid plan).
  testModel: 'claude-haiku-4-5-20251001',
};

function formatOf(call: ProviderCall): DroidFormat {
  if (call.operation !== 'generate') throw new Error(`Droid accounts cannot serve ${call.operation}`);
  if (!isDroidFormat(call.format)) throw new Error(`Droid accounts cannot answer ${call.format}`);
  return call.format;
}
