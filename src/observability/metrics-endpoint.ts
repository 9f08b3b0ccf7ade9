// Serving the metrics: `GET /metrics` for scrapers that present the scrape token, on the relay's own port, and
// optionally on a port of its own (for scrapers inside the network; the token is asked there too when set).
// A scrape without the token is refused before any metric is read.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RelayMetrics } from './relay-metrics.js';

export const METRICS_PATH = '/metrics';

/** Whether the request carries `Authorization: Bearer <token>`; true when no token is asked. */
export function presentsToken(req: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return true;
  const presented = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization?.trim() ?? '')?.[1];
  if (presented === undefined) return false;
  const expected = Buffer.from(token);
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Answers a scrape: 401 without the token, else the text exposition. */
export async function answerScrape(
  req: IncomingMessage,
  res: ServerResponse,
  metrics: RelayMetrics,
  token: string | undefined,
): Promise<void> {
  if (!presentsToken(req, token)) {
    res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer' });
    res.end('metrics need the scrape token: Authorization: Bearer <METRICS_TOKEN>\n');
    return;
  }
  const text = await metrics.text();
  res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The port of its own: `GET /metrics` only, everything else 404. */
export async function startMetricsServer(
  metrics: RelayMetrics,
  options: { host: string; port: number; token: string | undefined },
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== METRICS_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
      return;
    }
    answerScrape(req, res, metrics, options.token).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
