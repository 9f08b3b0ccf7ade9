// Azure OpenAI accounts: a resource endpoint (`https://<resource>.openai.azure.com`) reached with its `api-key`
// (or a Microsoft Entra ID token as a bearer), answering OpenAI's Chat Completions and Responses APIs. The
// client's body goes through unchanged except its model, which names the deployment where the path does not.
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../../../errors/app-error.js';
import type { RateLimitReading } from '../../../services/accounts/account-signals.js';
import { spliceTopLevelString } from '../../stream/json-field-splice.js';
import { upstreamAcceptEncoding } from '../../upstream/encoding.js';
import { forwardedHeaders, headerText } from '../../upstream/forwarded-headers.js';
import { mergeReadings, readRequestTokenLimits, retryAfterMsAt } from '../../upstream/openai-rate-limits.js';
import { upstreamTarget } from '../../upstream/target.js';
import type { ProviderCall, ProviderRequest, UpstreamProvider } from '../upstream-provider.js';
import { azureApi, deploymentFor, endpointPath, resourcePath, upstreamQuery } from './api-paths.js';
import { azureHttpError } from './errors.js';

/** Client headers that carry meaning upstream: the openai SDK's description of itself. Never a credential. */
const FORWARDED = ['content-type', 'accept', 'user-agent'] as const;
const FORWARDED_PREFIXES = ['x-stainless-'] as const;

export const azureProvider: UpstreamProvider = {
  formats: ['openai-chat', 'openai-responses'],
  operations: new Set(['generate']),
  acceptsOutputCap: true,
  buildCall: azureCall,
  httpError: azureHttpError,
  readLimits: readAzureRateLimits,
  testModel: 'gpt-4o-mini',
};

async function azureCall(call: ProviderCall): Promise<ProviderRequest> {
  const { account } = call.runtime;
  if (call.operation !== 'generate') throw new Error(`Azure OpenAI accounts cannot serve ${call.operation}`);
  if (call.model === undefined) {
    throw new AppError('invalid_request', 'model: is required', { details: { field: 'model' } });
  }
  const api = azureApi(account.apiVersion);
  const deployment = deploymentFor(account, call.model);
  const target = upstreamTarget(account);
  const headers = forwardedHeaders(call.clientHeaders, FORWARDED, FORWARDED_PREFIXES);
  headers['content-type'] ??= 'application/json';
  // Streams are asked for uncompressed: the tap reads every byte and SSE compresses poorly in small chunks.
  headers['accept-encoding'] = call.stream
    ? 'identity'
    : upstreamAcceptEncoding(headerText(call.clientHeaders['accept-encoding']));
  const secret = await call.credential();
  // Azure's `api-key` header has no `authHeader` value of its own: `bearer` is an Entra ID token, else a key.
  if (account.authHeader === 'bearer') headers.authorization = `Bearer ${secret}`;
  else headers['api-key'] = secret;
  const path = endpointPath(api, call.format, deployment);
  return {
    origin: target.origin,
    path: `${resourcePath(target.basePath)}${path}${upstreamQuery(api, call.query)}`,
    method: 'POST',
    headers,
    // Where the path names no deployment, the body's model does.
    body: path.includes('/deployments/') ? call.body : withModel(call.body, call.model, deployment),
  };
}

function withModel(body: Buffer | undefined, model: string, deployment: string): Buffer | undefined {
  if (body === undefined || deployment === model) return body;
  const spliced = spliceTopLevelString(body, 'model', deployment);
  if (!spliced) {
    throw new AppError('invalid_request', 'model: must be a top-level string', {
      details: { field: 'model' },
    });
  }
  return spliced;
}

/**
 * Azure's `x-ratelimit-remaining-{requests,tokens}` (its limits only sometimes beside them) and, on a 429,
 * `retry-after-ms` next to `retry-after`; account-signals reads `retry-after` itself and prefers it.
 */
export function readAzureRateLimits(headers: IncomingHttpHeaders, now: number): RateLimitReading | undefined {
  const retryAt = retryAfterMsAt(headers, now);
  return mergeReadings(
    readRequestTokenLimits(headers, now),
    retryAt === undefined ? undefined : { resetAt: retryAt },
  );
}
