// HTTP plumbing of the fake Google OAuth server: Google's RPC error body and HTTP Basic client credentials, beside
// the OAuth plumbing every fake token endpoint shares (fake-oauth-http.ts).
import type { IncomingMessage } from 'node:http';
import type { Reply } from '../fake-oauth-http.js';

export { bearer, oauthError, type Reply, readBody } from '../fake-oauth-http.js';

export function rpcError(status: number, message: string, rpcStatus: string): Reply {
  return {
    status,
    body: { error: { code: status, message, status: rpcStatus } },
    headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
  };
}

/** HTTP Basic client credentials (client_secret_basic), when sent. */
export function basicClient(req: IncomingMessage): { id: string; secret: string } | undefined {
  const auth = req.headers.authorization;
  const match = auth === undefined ? null : /^Basic\s+(\S+)$/i.exec(auth.trim());
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return {
    id: decodeURIComponent(decoded.slice(0, colon)),
    secret: decodeURIComponent(decoded.slice(colon + 1)),
  };
}
