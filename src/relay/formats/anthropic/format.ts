// The Anthropic Messages format for pass-through: its stream tap, usage reader and upstream request headers.
import type { IncomingHttpHeaders } from 'node:http';
import type { AccountRuntime } from '../../../services/accounts/account-types.js';
import type { PassThroughFormat } from '../../pass-through/stream-tap.js';
import { upstreamAcceptEncoding } from '../../upstream/encoding.js';
import { AnthropicStreamTap } from './stream-tap.js';
import { anthropicUsageFromBody } from './usage.js';

export const anthropicFormat: PassThroughFormat = {
  createTap: () => new AnthropicStreamTap(),
  usageFromBody: anthropicUsageFromBody,
};

/** The version Anthropic requires on every call; clients that omit it (curl users) get this one. */
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

/** Client headers that carry meaning upstream. Auth headers are deliberately absent: the relay key stays here. */
const FORWARDED = [
  'anthropic-version',
  'anthropic-beta',
  'content-type',
  'accept',
  'user-agent',
  'x-app',
] as const;

export function anthropicUpstreamHeaders(
  clientHeaders: IncomingHttpHeaders,
  runtime: AccountRuntime,
  options: { stream: boolean },
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED) {
    const value = clientHeaders[name];
    if (typeof value === 'string') headers[name] = value;
  }
  headers['anthropic-version'] ??= DEFAULT_ANTHROPIC_VERSION;
  // Streams are asked for uncompressed: the tap reads every byte and SSE compresses poorly in small chunks.
  headers['accept-encoding'] = options.stream
    ? 'identity'
    : upstreamAcceptEncoding(headerValue(clientHeaders['accept-encoding']));
  if (runtime.account.authHeader === 'bearer') headers.authorization = `Bearer ${runtime.secrets.apiKey}`;
  else headers['x-api-key'] = runtime.secrets.apiKey;
  return headers;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
