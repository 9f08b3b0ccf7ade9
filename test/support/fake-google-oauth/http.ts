// HTTP plumbing of the fake Google OAuth server: the JSON reply type, Google's OAuth and RPC error bodies, and
// reading request bodies and credentials (bearer token, HTTP Basic client).
import type { IncomingMessage } from 'node:http';

const MAX_BODY_BYTES = 64 * 1024;

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function oauthError(status: number, error: string, description: string): Reply {
  return { status, body: { error, error_description: description } };
}

export function rpcError(status: number, message: string, rpcStatus: string): Reply {
  return {
    status,
    body: { error: { code: status, message, status: rpcStatus } },
    headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
  };
}

export async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function bearer(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  const match = auth === undefined ? null : /^Bearer\s+(\S+)$/i.exec(auth.trim());
  return match?.[1];
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
