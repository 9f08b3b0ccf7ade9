// The dashboard's session and live connection in a real browser: sign-in, the overview's counters moving as
// requests settle (no reload), an expired access token refreshed silently, an ended session sending the user
// to sign-in and back to the page, a dropped WebSocket reconnecting without counting an event twice, and the
// key-holder page showing a key's spend without any account.
import Anthropic from '@anthropic-ai/sdk';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, NARROW, newPage, screenshot, signIn } from '../support/browser.js';
import type { FakeUpstream } from '../support/fake-upstream/index.js';
import { startFakeUpstream } from '../support/fake-upstream/index.js';
import { dataOf, graphql } from '../support/graphql.js';
import { createClaudeAccount, createKey, settled, startTestRelay, type TestRelay } from '../support/relay.js';

const ADMIN_PASSWORD = 'test admin password';
// Short enough to run out inside a test, long enough that sign-in itself never races it.
const ACCESS_TTL_MS = 1_500;

describe('dashboard session and live updates', { timeout: 60_000 }, () => {
  let fake: FakeUpstream;
  let relay: TestRelay;
  let browser: Browser;
  let plaintext: string;

  const ask = async (count: number) => {
    const client = new Anthropic({ apiKey: plaintext, baseURL: relay.url, maxRetries: 0 });
    for (let index = 0; index < count; index += 1) {
      await client.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 32,
        messages: [{ role: 'user', content: `hello ${index}` }],
      });
    }
    await settled(relay);
  };

  const counter = (page: Page, testId: string) => page.getByTestId(testId).textContent();
  /** Requests since local midnight, as the overview counts them (snapshot plus live ticks). */
  const requestsToday = async (page: Page) =>
    Number.parseInt((await counter(page, 'stat-requests-per-minute-hint')) ?? '', 10);

  beforeAll(async () => {
    fake = await startFakeUpstream();
    relay = await startTestRelay({
      overrides: { sessionTtls: { accessTtlMs: ACCESS_TTL_MS, refreshTtlMs: 3_600_000 } },
    });
    await createClaudeAccount(relay, fake.url, { name: 'primary console' });
    plaintext = (await createKey(relay, { name: 'browser key', limits: { dailyCostMicros: 5_000_000 } }))
      .plaintext;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await relay?.stop();
    await fake?.close();
  });

  it('redirects / to the dashboard and serves it with a strict content security policy', async () => {
    const root = await fetch(`${relay.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/admin/');
    const page = await fetch(`${relay.url}/admin/requests`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<div id="root">');
    // Scripts go gzipped to browsers that take it, and are cached for good (their names change per build).
    const script = /src="(\/admin\/assets\/index-[\w-]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${relay.url}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-encoding')).toBe('gzip');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await asset.text()).length).toBeGreaterThan(10_000);
    const missing = await fetch(`${relay.url}/admin/assets/no-such-chunk.js`);
    expect(missing.status).toBe(404);
  });

  it('signs in and moves the overview counters as requests settle, without reloading', async () => {
    const { context, page } = await newPage(browser, relay.url);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await expect
      .poll(() => page.getByTestId('live-status').getAttribute('data-status'), { timeout: 10_000 })
      .toBe('connected');
    // Today's snapshot has loaded: from here only live ticks move the counts.
    await page.getByTestId('split-models').waitFor();
    const costBefore = await counter(page, 'stat-cost-today');
    await ask(3);
    // "Today" only grows (the per-minute figure starts again at each minute); the page opened with none.
    await expect
      .poll(() => counter(page, 'stat-requests-per-minute-hint'), { timeout: 10_000 })
      .toBe('3 today');
    await expect.poll(() => counter(page, 'stat-cost-today')).not.toBe(costBefore);
    await expect
      .poll(() => page.getByTestId('split-models').textContent(), { timeout: 10_000 })
      .toContain('claude-sonnet-4-5');
    await expect(page.getByTestId('account-states').textContent()).resolves.toContain('primary console');
    await screenshot(page, 'overview');
    await context.close();
  });

  /**
   * Signs in over the API and hands the browser that session on its first page load, as a tab opened earlier
   * would have left it. No page runs meanwhile, so no refresh of the page's own can race what a test does to
   * the session (a page that signs in itself refreshes every second with this test's short access tokens).
   */
  const seedSession = async (context: BrowserContext, claimedExpiry: number) => {
    const login = dataOf<{ accessToken: string; refreshToken: string; user: Record<string, string> }>(
      await graphql(
        relay,
        undefined,
        `mutation ($password: String!) { login(username: "admin", password: $password) {
          accessToken refreshToken user { id username role } } }`,
        { password: ADMIN_PASSWORD },
      ),
      'login',
    );
    const session = { ...login, accessExpiresAt: claimedExpiry };
    await context.addInitScript((stored) => {
      // Once per tab: later loads keep whatever the page itself stored since.
      if (sessionStorage.getItem('seeded')) return;
      sessionStorage.setItem('seeded', '1');
      localStorage.setItem('relay.session', stored);
    }, JSON.stringify(session));
    return login;
  };

  const storedRefreshToken = async (page: Page) =>
    page.evaluate(() => JSON.parse(localStorage.getItem('relay.session') ?? '{}').refreshToken as string);

  it('refreshes an expired access token silently and stays on the page', async () => {
    const { context, page } = await newPage(browser, relay.url);
    // The page believes its token is good for ten minutes; by the time it loads, the server has let it expire.
    const issued = await seedSession(context, Date.now() + 600_000);
    await new Promise((resolve) => setTimeout(resolve, ACCESS_TTL_MS + 1_500));
    await page.goto('/admin/system');
    await page.getByRole('table', { name: 'Background jobs' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(page.url()).toContain('/admin/system');
    expect(await storedRefreshToken(page)).not.toBe(issued.refreshToken);
    await context.close();
  });

  it('sends an ended session to sign-in and back to the page it was on', async () => {
    const { context, page } = await newPage(browser, relay.url);
    const issued = await seedSession(context, 0);
    // Signed out elsewhere: its refresh token was used, so the page's use of it is a reuse that ends the family.
    const revoked = await graphql(
      relay,
      undefined,
      'mutation ($token: String!) { refreshSession(refreshToken: $token) { accessToken } }',
      { token: issued.refreshToken },
    );
    expect(dataOf<{ accessToken: string }>(revoked, 'refreshSession').accessToken).toBeTruthy();
    await page.goto('/admin/audit?action=api_key.create');
    await page.getByText('Your session has ended').waitFor();
    expect(new URL(page.url()).searchParams.get('next')).toBe('/audit?action=api_key.create');
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel(/^Password/).fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/admin/audit?action=api_key.create');
    await context.close();
  });

  it('shows reconnecting when the WebSocket drops, reconnects, and counts each request once', async () => {
    const { context, page } = await newPage(browser, relay.url);
    const sockets: WebSocketRoute[] = [];
    await page.routeWebSocket('**/graphql', (socket) => {
      socket.connectToServer();
      sockets.push(socket);
    });
    await signIn(page, 'admin', ADMIN_PASSWORD);
    const status = page.getByTestId('live-status');
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 10_000 }).toBe('connected');
    // Today's snapshot has loaded: from here only live ticks move the count.
    await page.getByTestId('split-models').waitFor();
    const before = await requestsToday(page);
    await sockets.at(-1)?.close({ code: 1012, reason: 'service restart' });
    await expect.poll(() => status.getAttribute('data-status')).toBe('reconnecting');
    expect(((await status.textContent()) ?? '').toLowerCase()).toContain('reconnecting');
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 15_000 }).toBe('connected');
    expect(sockets.length).toBeGreaterThanOrEqual(2);
    await ask(1);
    await expect.poll(() => requestsToday(page), { timeout: 10_000 }).toBe(before + 1);
    // Nothing arrives twice after the resubscribe: the counter stays put.
    await page.waitForTimeout(1_500);
    expect(await requestsToday(page)).toBe(before + 1);
    await context.close();
  });

  it("shows a key holder the key's spend, limits and latest requests, keeping the key out of URL and storage", async () => {
    await ask(1);
    const { context, page } = await newPage(browser, relay.url, NARROW);
    await page.goto('/admin/key');
    await page.getByLabel('Relay key').fill(plaintext);
    await page.getByRole('button', { name: 'Show usage' }).click();
    await page.getByTestId('holder-spend').waitFor();
    expect(await page.getByTestId('holder-spend').textContent()).toMatch(/^\$\d/);
    expect(await page.getByTestId('holder-spend').textContent()).not.toBe('$0.00');
    expect(await page.locator('tr[data-request-id]').count()).toBeGreaterThanOrEqual(1);
    // The daily limit of $5 with what was spent against it.
    expect(await page.getByTestId('limit-daily-cost').textContent()).toContain('of $5.00');
    expect(page.url()).not.toContain(plaintext);
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    expect(stored).not.toContain(plaintext);
    await screenshot(page, 'key-holder-narrow');
    await context.close();
  });
});
