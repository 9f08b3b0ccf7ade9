// The origin a client reached the relay on, for the URLs the sign-in hands out: Claude Code uses the OAuth
// endpoints only when they share its base URL's origin, and the person opens the verification URL in a
// browser. Behind a trusted proxy, its forwarded host and scheme are the client's.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

function first(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text?.split(',')[0]?.trim() || undefined;
}

/** A host header value that is a plain `host[:port]` (no path, no credentials): anything else is ignored. */
const HOST = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/;

export function requestOrigin(req: IncomingMessage, trustProxy: boolean): string {
  const forwardedHost = trustProxy ? first(req.headers['x-forwarded-host']) : undefined;
  const host = [forwardedHost, req.headers.host].find((value) => value !== undefined && HOST.test(value));
  const forwardedProto = trustProxy ? first(req.headers['x-forwarded-proto']) : undefined;
  const encrypted = (req.socket as Partial<TLSSocket>).encrypted === true;
  const scheme =
    forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : encrypted ? 'https' : 'http';
  const fallback = `${req.socket.localAddress?.includes(':') ? `[${req.socket.localAddress}]` : req.socket.localAddress}:${req.socket.localPort}`;
  return `${scheme}://${host ?? fallback}`;
}

/** The address a request came from, as the sign-in limits and records count it. */
export function requestAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? first(req.headers['x-forwarded-for']) : undefined;
  return forwarded ?? req.socket.remoteAddress ?? 'unknown';
}
