// Accounts that speak Anthropic's own API (console keys, Claude subscriptions, Anthropic-compatible endpoints):
// the client's body goes through unchanged, with the account's credential in place of the relay key.

import { upstreamHttpError } from '../../exchange/upstream-error-body.js';
import type { Operation } from '../../formats/relay-format.js';
import { upstreamTarget } from '../../upstream/target.js';
import type { ProviderCall, UpstreamProvider } from '../upstream-provider.js';
import { anthropicUpstreamHeaders } from './headers.js';

/** `oauth`: a subscription access token, which Anthropic accepts only with its OAuth beta flag. */
export function anthropicProvider(credential: 'api-key' | 'oauth'): UpstreamProvider {
  return {
    formats: ['anthropic'],
    operations: new Set<Operation>(['generate', 'count-tokens', 'list-models']),
    acceptsOutputCap: true,
    async buildCall(call) {
      const target = upstreamTarget(call.runtime.account);
      const headers = anthropicUpstreamHeaders(call.clientHeaders, call.runtime, {
        stream: call.stream,
        credential: await call.credential(),
        oauth: credential === 'oauth',
      });
      return {
        origin: target.origin,
        path: `${target.basePath}${operationPath(call)}${call.query}`,
        method: call.operation === 'list-models' ? 'GET' : 'POST',
        headers,
        body: call.body,
      };
    },
    httpError: upstreamHttpError,
    testModel: 'claude-haiku-4-5',
  };
}

function operationPath(call: ProviderCall): string {
  switch (call.operation) {
    case 'generate':
      return '/v1/messages';
    case 'count-tokens':
      return '/v1/messages/count_tokens';
    case 'list-models':
      // The route decoded the id and checked it is one segment; encoded again, it cannot become more upstream.
      return call.modelId === undefined ? '/v1/models' : `/v1/models/${encodeURIComponent(call.modelId)}`;
  }
}
