// The dashboard end to end in headless Chromium against a running relay and a fake upstream: an admin signs
// in, adds an upstream account and a relay key through the pages, requests sent with that key move the live
// request log without a reload, a member sees only their own keys, a viewer gets no buttons, and a field the
// server refuses is named beside the field. Screenshots of the main pages are written as artifacts.
import Anthropic from '@anthropic-ai/sdk';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, NARROW, newPage, screenshot, signIn } from '../support/browser.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { createKey, settled, startTestRelay, type TestRelay } from '../support/relay.js';

const ADMIN_PASSWORD = 'test admin password';
const MEMBER_PASSWORD = 'a long enough member password';

describe('dashboard pages', { timeout: 90_000 }, () => {
  let fake: FakeUpstream;
  let relay: TestRelay;
  let browser: Browser;
  let issuedKey = '';

  beforeAll(async () => {
    fake = await startFakeUpstream();
    relay = await startTestRelay();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await relay?.stop();
    await fake?.close();
  });

  const open = async (page: Page, path: string, name: string) => {
    await page.goto(`/admin${path}`);
    await page.getByRole('heading', { level: 2 }).first().waitFor();
    await screenshot(page, name);
  };

  it('adds an account and a key through the pages, then shows requests in the live log without reloading', async () => {
    const { context, page } = await newPage(browser, relay.url);
    await signIn(page, 'admin', ADMIN_PASSWORD);

    await page.getByRole('link', { name: 'Accounts' }).click();
    await page.getByTestId('empty-state').first().waitFor();
    await page.getByRole('button', { name: 'Add account' }).click();
    const dialog = page.getByRole('dialog');
    await dialog
      .getByLabel(/^Account type/)
      .first()
      .click();
    await page.getByRole('option', { name: 'Claude Console' }).click();
    await dialog.getByRole('textbox', { name: /^Name/ }).fill('console via dashboard');
    // A base URL the server refuses is named beside its field, and the form stays open.
    await dialog.getByRole('textbox', { name: /^Base URL/ }).fill('not a url');
    await dialog.getByLabel(/^Anthropic API key/).fill('sk-ant-upstream-secret');
    await dialog.getByRole('button', { name: 'Add account' }).click();
    const baseUrl = dialog.getByRole('textbox', { name: /^Base URL/ });
    await expect.poll(() => baseUrl.getAttribute('aria-invalid'), { timeout: 10_000 }).toBe('true');
    await baseUrl.fill(fake.url);
    await dialog.getByRole('button', { name: 'Add account' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('row', { name: /console via dashboard/ }).waitFor();
    const { items } = await relay.server.services.accounts.list();
    expect(items.map((account) => account.name)).toEqual(['console via dashboard']);

    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('dialog').getByRole('textbox', { name: /^Name/ }).fill('dashboard key');
    await page.getByRole('button', { name: 'Create the key' }).click();
    issuedKey = ((await page.getByTestId('issued-key').textContent()) ?? '').trim();
    expect(issuedKey).toMatch(/^cr_/);
    await page.getByRole('dialog', { name: 'Create key' }).waitFor({ state: 'detached' });
    await screenshot(page, 'key-issued');
    await page.keyboard.press('Escape');
    await page.getByRole('row', { name: /dashboard key/ }).waitFor();

    await page.getByRole('link', { name: 'Request log' }).click();
    await page.getByTestId('empty-state').first().waitFor();
    const client = new Anthropic({ apiKey: issuedKey, baseURL: relay.url, maxRetries: 0 });
    const ids: string[] = [];
    for (let index = 0; index < 2; index += 1) {
      const { response } = await client.messages
        .create({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
        .withResponse();
      ids.push(response.headers.get('x-request-id') ?? '');
    }
    await settled(relay);
    for (const id of ids) {
      await page.locator(`tr[data-request-id="${id}"]`).waitFor({ timeout: 10_000 });
    }
    expect(await page.locator('tr[data-request-id]').count()).toBe(2);
    await screenshot(page, 'request-log');
    await context.close();
  });

  it('writes screenshots of the main pages, wide and narrow, in both themes', async () => {
    const { context, page } = await newPage(browser, relay.url);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await open(page, '/', 'overview-admin');
    await open(page, '/accounts', 'accounts');
    await open(page, '/keys', 'keys');
    await open(page, '/users', 'users');
    await open(page, '/alerts', 'alerts');
    await open(page, '/channels', 'channels');
    await open(page, '/pricing', 'pricing');
    await open(page, '/audit', 'audit');
    await open(page, '/system', 'system');
    await page.getByRole('button', { name: /Switch to the (dark|light) theme/ }).click();
    await open(page, '/', 'overview-other-theme');
    await context.close();
    const narrow = await newPage(browser, relay.url, NARROW);
    await signIn(narrow.page, 'admin', ADMIN_PASSWORD);
    await open(narrow.page, '/requests', 'request-log-narrow');
    await narrow.context.close();
  });

  it('shows a member only their own keys, and a viewer no buttons that change anything', async () => {
    const member = await relay.server.services.users.create({
      username: 'mia',
      password: MEMBER_PASSWORD,
      role: 'member',
    });
    await relay.server.services.users.create({ username: 'vic', password: MEMBER_PASSWORD, role: 'viewer' });
    await createKey(relay, { name: 'mia laptop', ownerId: member.id });
    await createKey(relay, { name: 'somebody else key' });

    const asMember = await newPage(browser, relay.url);
    await signIn(asMember.page, 'mia', MEMBER_PASSWORD);
    await asMember.page.getByRole('link', { name: 'My keys' }).click();
    await asMember.page.getByRole('row', { name: /mia laptop/ }).waitFor();
    expect(await asMember.page.getByText('somebody else key').count()).toBe(0);
    expect(await asMember.page.getByText('dashboard key').count()).toBe(0);
    // The navigation offers a member nothing of the relay's configuration.
    expect(await asMember.page.getByRole('link', { name: 'Accounts' }).count()).toBe(0);
    await screenshot(asMember.page, 'keys-member');
    await asMember.context.close();

    const asViewer = await newPage(browser, relay.url);
    await signIn(asViewer.page, 'vic', MEMBER_PASSWORD);
    await asViewer.page.getByRole('link', { name: 'API keys' }).click();
    await asViewer.page.getByRole('row', { name: /somebody else key/ }).waitFor();
    expect(await asViewer.page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
    await asViewer.page.getByRole('link', { name: 'Accounts' }).click();
    await asViewer.page.getByRole('row', { name: /console via dashboard/ }).waitFor();
    expect(await asViewer.page.getByRole('button', { name: 'Add account' }).count()).toBe(0);
    await asViewer.context.close();
  });
});
