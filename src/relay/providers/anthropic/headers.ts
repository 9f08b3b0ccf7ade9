// The headers of a call to Anthropic's API (or a compatible endpoint): the client's meaningful ones, the
// account's credential, and the beta flag OAuth accounts need.
import type { IncomingHttpHeaders } from 'node:http';
import type { AccountRuntime } from '../../../services/accounts/account-types.js';
import { upstreamAcceptEncoding } from '../../upstream/encoding.js';

/** The version Anthropic requires on every call; clients that omit it (curl users) get this one. */
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

/**
 * Client headers that carry meaning upstream. Auth headers are deliberately absent: the relay key stays here.
 * Claude Code sends its session id to Anthropic, and accounts (subscription ones in particular) should look
 * like the client that uses them.
 */
const FORWARDED = [
  'anthropic-version',
  'anthropic-beta',
  'content-type',
  'accept',
  'user-agent',
  'x-app',
  'x-claude-code-session-id',
] as const;

/** The Anthropic SDK's description of itself (language, runtime, OS, retry count, timeout), forwarded whole. */
const FORWARDED_PREFIX = 'x-stainless-';

/** The beta flag Anthropic requires on every request made with an OAuth (subscription) access token. */
export const OAUTH_BETA = 'oauth-2025-04-20';

/**
 * Headers for the upstream call. `credential` is the secret to present: the account's API key, or for OAuth
 * accounts the access token current at call time (it may have been refreshed since the runtime was loaded).
 */
export function anthropicUpstreamHeaders(
  clientHeaders: IncomingHttpHeaders,
  runtime: AccountRuntime,
  options: { stream: boolean; credential: string; oauth: boolean },
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED) {
    const value = clientHeaders[name];
    if (typeof value === 'string') headers[name] = value;
  }
  // Node lower-cases incoming header names, so the prefix test sees every spelling the client used.
  for (const name in clientHeaders) {
    if (!name.startsWith(FORWARDED_PREFIX)) continue;
    const value = clientHeaders[name];
    if (typeof value === 'string') headers[name] = value;
  }
  headers['anthropic-version'] ??= DEFAULT_ANTHROPIC_VERSION;
  // Streams are asked for uncompressed: the tap reads every byte and SSE compresses poorly in small chunks.
  headers['accept-encoding'] = options.stream
    ? 'identity'
    : upstreamAcceptEncoding(headerValue(clientHeaders['accept-encoding']));
  if (options.oauth) {
    headers.authorization = `Bearer ${options.credential}`;
    const beta = headers['anthropic-beta'];
    if (!beta?.split(',').some((flag) => flag.trim() === OAUTH_BETA)) {
      headers['anthropic-beta'] = beta ? `${OAUTH_BETA},${beta}` : OAUTH_BETA;
    }
  } else if (runtime.account.authHeader === 'bearer') {
    headers.authorization = `Bearer ${options.credential}`;
  } else {
    headers['x-api-key'] = options.credential;
  }
  return headers;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
