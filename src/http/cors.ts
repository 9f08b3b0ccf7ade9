// CORS for browser callers of /graphql: off unless origins are configured, then exactly those origins.
import type { NextFunction, Request, RequestHandler, Response } from 'express';

const ALLOWED_METHODS = 'GET, POST';
/** What the generated clients send: a bearer token, or a relay key for key holders. */
const ALLOWED_HEADERS = 'authorization, content-type, x-api-key';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/**
 * Undefined when no origin is configured: no CORS header is ever sent, so browsers keep other sites out.
 * Otherwise an origin is allowed only when it is one of `origins` exactly (no patterns, no suffixes), with
 * credentials; other origins get no CORS header at all, and their preflight falls through unanswered.
 */
export function corsForOrigins(origins: readonly string[]): RequestHandler | undefined {
  if (origins.length === 0) return undefined;
  const allowed = new Set(origins);
  return (req: Request, res: Response, next: NextFunction) => {
    // The answer depends on the origin, so caches must keep one copy per origin.
    res.vary('Origin');
    const origin = req.headers.origin;
    if (origin === undefined || !allowed.has(origin)) {
      next();
      return;
    }
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-credentials', 'true');
    if (req.method !== 'OPTIONS') {
      next();
      return;
    }
    res.writeHead(204, {
      'access-control-allow-methods': ALLOWED_METHODS,
      'access-control-allow-headers': ALLOWED_HEADERS,
      'access-control-max-age': PREFLIGHT_MAX_AGE_SECONDS,
      'content-length': 0,
    });
    res.end();
  };
}
