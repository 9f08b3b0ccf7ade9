// Dashboard bench: the built bundle's sizes (raw and gzip) and a cold first load in Debian's Chromium against
// a relay process — the sign-in page until its form is usable, then signing in until the overview shows live
// data — with the bytes the browser fetched. `node --import tsx bench/dashboard-load.ts` after `npm run build:web`.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { startEmbeddedRedis } from '../src/services/redis/embedded-redis.js';
import { launchBrowser } from '../test/support/browser.js';
import { startRelayProcess } from './processes.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIST = path.join(ROOT, 'web/dist');
const RUNS = 5;
const PASSWORD = 'dashboard bench password';

function bundleSizes() {
  const assets = path.join(DIST, 'assets');
  const rows = readdirSync(assets).map((name) => {
    const raw = readFileSync(path.join(assets, name));
    return { name, bytes: statSync(path.join(assets, name)).size, gzip: gzipSync(raw).length };
  });
  const sum = (filter: (name: string) => boolean, field: 'bytes' | 'gzip') =>
    rows.filter((row) => filter(row.name)).reduce((total, row) => total + row[field], 0);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  const js = (name: string) => name.endsWith('.js');
  const css = (name: string) => name.endsWith('.css');
  console.log(`assets: ${rows.length} files`);
  console.log(`all JavaScript: ${kb(sum(js, 'bytes'))} (gzip ${kb(sum(js, 'gzip'))})`);
  console.log(`all CSS: ${kb(sum(css, 'bytes'))} (gzip ${kb(sum(css, 'gzip'))})`);
  for (const row of rows.sort((a, b) => b.bytes - a.bytes).slice(0, 5)) {
    console.log(`  ${row.name}: ${kb(row.bytes)} (gzip ${kb(row.gzip)})`);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function main() {
  bundleSizes();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'dashboard-bench-'));
  const redis = await startEmbeddedRedis({
    bin: process.env.REDIS_SERVER_BIN ?? 'redis-server',
    persist: false,
  });
  const relay = await startRelayProcess({
    redisUrl: redis.url,
    keyPrefix: 'dashboard-bench:',
    dataDir,
    logLevel: 'warn',
    adminPassword: PASSWORD,
  });
  const browser = await launchBrowser();
  const signInMs: number[] = [];
  const overviewMs: number[] = [];
  const signInBytes: number[] = [];
  const overviewBytes: number[] = [];
  try {
    for (let run = 0; run < RUNS; run += 1) {
      // A fresh profile each time: nothing cached, as on a first visit.
      const context = await browser.newContext({
        baseURL: relay.url,
        viewport: { width: 1280, height: 800 },
      });
      const page = await context.newPage();
      let bytes = 0;
      page.on('response', async (response) => {
        const sizes = await response
          .request()
          .sizes()
          .catch(() => undefined);
        if (sizes) bytes += sizes.responseBodySize + sizes.responseHeadersSize;
      });
      const started = performance.now();
      await page.goto('/admin/');
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      signInMs.push(performance.now() - started);
      await page.waitForLoadState('networkidle');
      signInBytes.push(bytes);
      bytes = 0;
      const signingIn = performance.now();
      await page.getByLabel('Username').fill('admin');
      await page.getByLabel(/^Password/).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByTestId('live-status').and(page.locator('[data-status="connected"]')).waitFor();
      await page.getByTestId('account-states').or(page.getByText('No upstream accounts yet')).waitFor();
      overviewMs.push(performance.now() - signingIn);
      await page.waitForLoadState('networkidle');
      overviewBytes.push(bytes);
      await context.close();
    }
  } finally {
    await browser.close();
    await relay.stop();
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const kb = (values: number[]) => `${(median(values) / 1024).toFixed(0)} KB`;
  console.log(
    `cold sign-in page, until the form is usable: median ${median(signInMs).toFixed(0)} ms of ${RUNS} (fetched ${kb(signInBytes)})`,
  );
  console.log(
    `sign in until the overview is live with data: median ${median(overviewMs).toFixed(0)} ms (fetched ${kb(overviewBytes)} more)`,
  );
}

await main();
