// What every fake token endpoint shares: the JSON reply it answers with, the OAuth error body (RFC 6749 §5.2),
// and reading a bounded request body and a bearer token.
import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_BODY_BYTES = 64 * 1024;

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function oauthError(status: number, error: string, description: string): Reply {
  return { status, body: { error, error_description: description } };
}

export function sendReply(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
  res.end(JSON.stringify(reply.body));
}

/** The body as text; undefined when it is larger than a token request can be. */
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
