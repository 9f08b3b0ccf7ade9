// Serves an upgrade request for a protocol the server does not speak (h2c, as `curl --http2` offers) as the
// plain HTTP/1.1 request it also is, on the same connection.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** Hop-by-hop headers of the offer; everything else of the request is kept byte for byte. */
const OFFER_HEADERS = new Set(['upgrade', 'http2-settings']);

export function isWebSocketUpgrade(request: IncomingMessage): boolean {
  return request.headers.upgrade?.trim().toLowerCase() === 'websocket';
}

/**
 * A client offering an upgrade must accept a plain answer instead (RFC 9110 §7.8). Node has parsed the head
 * and detached its parser, so the head is written back without the offer, ahead of whatever body bytes were
 * read with it (`head`), and the socket is handed to the server as a new connection: Node parses it like every
 * other request, content-length and chunked bodies included, and keep-alive carries on from there.
 */
export function serveAsHttp1(server: Server, request: IncomingMessage, socket: Duplex, head: Buffer): void {
  const lines = [`${request.method ?? 'GET'} ${request.url ?? '/'} HTTP/${request.httpVersion}`];
  const raw = request.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index] ?? '';
    const value = raw[index + 1] ?? '';
    const lower = name.toLowerCase();
    if (OFFER_HEADERS.has(lower)) continue;
    if (lower === 'connection') {
      // `Connection: Upgrade, HTTP2-Settings` may also say `close` or `keep-alive`; that part still holds.
      const kept = value
        .split(',')
        .map((token) => token.trim())
        .filter((token) => token !== '' && !OFFER_HEADERS.has(token.toLowerCase()));
      if (kept.length > 0) lines.push(`${name}: ${kept.join(', ')}`);
      continue;
    }
    lines.push(`${name}: ${value}`);
  }
  // Node decoded the head as latin1; encoding it back the same way restores the client's bytes.
  socket.unshift(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), head]));
  server.emit('connection', socket);
}
