// Serves the built dashboard (web/dist) at /admin: hashed assets cached for good, every other path under
// /admin answered with the page itself (the dashboard routes in the browser), and `/` sent to /admin/.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import express, { type Express, type Response } from 'express';
import { AppError } from '../errors/app-error.js';

export const DASHBOARD_PATH = '/admin';

/**
 * The page loads only its own scripts and styles and talks only to this origin (GraphQL over fetch and
 * graphql-ws); Mantine sets inline style attributes, hence 'unsafe-inline' for styles alone. No framing.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function secure(res: Response): void {
  res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
}

const gzipped = promisify(gzip);
/** Scripts and styles: text that shrinks to a quarter; images and fonts are left to the static handler. */
const COMPRESSIBLE = /^[\w.-]+\.(js|css)$/;

/**
 * Sends hashed scripts and styles gzipped to browsers that accept it (a quarter of the bytes on the first
 * load). Each is compressed on its first request and kept: a build's assets never change, and a relay that
 * nobody opens the dashboard on never spends the memory.
 */
function compressedAssets(assetsDir: string): express.RequestHandler {
  const cache = new Map<string, Promise<Buffer | undefined>>();
  return (req, res, next) => {
    const name = req.path.slice(1);
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !COMPRESSIBLE.test(name)) return next();
    if (!req.acceptsEncodings('gzip')) return next();
    let body = cache.get(name);
    if (!body) {
      body = readFile(path.join(assetsDir, name)).then(
        (raw) => gzipped(raw),
        () => undefined,
      );
      cache.set(name, body);
    }
    body.then((compressed) => {
      if (!compressed) {
        cache.delete(name);
        next();
        return;
      }
      secure(res);
      res.setHeader('cache-control', 'public, max-age=31536000, immutable');
      res.setHeader('content-encoding', 'gzip');
      res.setHeader('vary', 'accept-encoding');
      res.type(path.extname(name));
      res.send(compressed);
    }, next);
  };
}

export function mountDashboard(app: Express, dir: string): void {
  app.get('/', (_req, res) => {
    res.redirect(302, `${DASHBOARD_PATH}/`);
  });
  const indexFile = path.join(dir, 'index.html');
  if (!existsSync(indexFile)) {
    // A checkout that skipped the build: say how to get the dashboard rather than a bare 404.
    app.use(DASHBOARD_PATH, () => {
      throw new AppError(
        'unavailable',
        'The dashboard is not built: run `npm run build:web` (npm ci runs it) and restart',
      );
    });
    return;
  }
  // Read once: the page is small and changes only with a new build, which means a restart.
  const page = readFileSync(indexFile);
  app.use(`${DASHBOARD_PATH}/assets`, compressedAssets(path.join(dir, 'assets')));
  app.use(
    `${DASHBOARD_PATH}/assets`,
    express.static(path.join(dir, 'assets'), {
      index: false,
      immutable: true,
      maxAge: '365d',
      setHeaders: secure,
    }),
  );
  // An asset of another build: a 404, not the page in place of a script.
  app.use(`${DASHBOARD_PATH}/assets`, (req) => {
    throw new AppError('not_found', `No dashboard asset ${req.path}`);
  });
  app.get(`${DASHBOARD_PATH}{/*rest}`, (req, res) => {
    if (req.path === DASHBOARD_PATH) {
      res.redirect(301, `${DASHBOARD_PATH}/`);
      return;
    }
    secure(res);
    // The page names the current build's assets: never serve a stale one from a cache.
    res.setHeader('cache-control', 'no-cache');
    res.type('html').send(page);
  });
}
