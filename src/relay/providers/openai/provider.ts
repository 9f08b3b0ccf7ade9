// Accounts that speak OpenAI's APIs: an API key on api.openai.com (or a compatible base URL), serving Responses
// and Chat Completions, or a ChatGPT subscription signed in as Codex does, on Codex's backend (Responses only)
// with its `chatgpt-account-id` header. The client's body goes through unchanged; the relay key is replaced by
// the account's credential.
import { upstreamHttpError } from '../../exchange/upstream-error-body.js';
import { upstreamAcceptEncoding } from '../../upstream/encoding.js';
import { forwardedHeaders, headerText } from '../../upstream/forwarded-headers.js';
import { readOpenAIRateLimits } from '../../upstream/openai-rate-limits.js';
import { upstreamTarget } from '../../upstream/target.js';
import type { ProviderCall, UpstreamProvider } from '../upstream-provider.js';

/**
 * Client headers that carry meaning upstream: Codex's own (its originator, session and turn metadata, which
 * Codex's backend reads), and the openai SDK's description of itself. Never the client's `authorization`.
 */
const FORWARDED = [
  'content-type',
  'accept',
  'user-agent',
  'originator',
  'openai-beta',
  'session-id',
  'thread-id',
  'x-client-request-id',
] as const;
const FORWARDED_PREFIXES = ['x-codex-', 'x-stainless-'] as const;

/** The wire formats each kind of OpenAI account speaks. */
const FORMATS_OF = {
  'api-key': ['openai-responses', 'openai-chat'],
  // Codex's ChatGPT backend speaks only Responses.
  chatgpt: ['openai-responses'],
  // Compatible servers implement Chat Completions; other formats reach them by translation.
  'chat-only': ['openai-chat'],
} as const;

/**
 * `api-key`: OpenAI's API; `chatgpt`: a ChatGPT sign-in's access token, which Codex's backend takes with the
 * ChatGPT account id; `chat-only`: a key for an OpenAI-compatible server that speaks Chat Completions.
 */
export function openaiProvider(credential: 'api-key' | 'chatgpt' | 'chat-only'): UpstreamProvider {
  return {
    formats: FORMATS_OF[credential],
    operations: new Set(['generate']),
    // Codex's backend takes Codex's own requests (streamed, stateless, no output cap); a translated one would be
    // refused for what it carries or lacks.
    ...(credential === 'chatgpt' ? { acceptsTranslation: false as const } : {}),
    // Codex's backend answers 400 "Unsupported parameter: max_output_tokens"; the API takes it.
    acceptsOutputCap: credential !== 'chatgpt',
    async buildCall(call) {
      const target = upstreamTarget(call.runtime.account);
      const headers = forwardedHeaders(call.clientHeaders, FORWARDED, FORWARDED_PREFIXES);
      headers['content-type'] ??= 'application/json';
      // Streams are asked for uncompressed: the tap reads every byte and SSE compresses poorly in small chunks.
      headers['accept-encoding'] = call.stream
        ? 'identity'
        : upstreamAcceptEncoding(headerText(call.clientHeaders['accept-encoding']));
      headers.authorization = `Bearer ${await call.credential()}`;
      if (credential === 'chatgpt') {
        const accountId = call.runtime.secrets.chatgptAccountId;
        if (accountId) headers['chatgpt-account-id'] = accountId;
      }
      return {
        origin: target.origin,
        path: `${target.basePath}${operationPath(call)}${call.query}`,
        method: 'POST',
        headers,
        body: call.body,
      };
    },
    httpError: upstreamHttpError,
    readLimits: readOpenAIRateLimits,
    testModel: credential === 'chatgpt' ? 'gpt-5-codex' : 'gpt-5-mini',
  };
}

function operationPath(call: ProviderCall): string {
  if (call.operation !== 'generate') throw new Error(`OpenAI accounts cannot serve ${call.operation}`);
  // Base URLs include the API version (`…/v1`, `…/backend-api/codex`), as the openai SDK's do.
  return call.format === 'openai-chat' ? '/chat/completions' : '/responses';
}
