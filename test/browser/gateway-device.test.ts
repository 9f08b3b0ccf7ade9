// The gateway sign-in's verification page and the devices page in headless Chromium: the link Claude Code's
// /login opens leads a signed-out person through sign-in to the page with the code filled in and nothing
// looked up or approved until they press Continue; approving with the default key hands the polling device its
// tokens, revoking it on the devices page ends its refresh; a denial, a malformed and a decided code are said
// plainly; an admin sees everyone's devices with whose they are.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, screenshot, signIn } from '../support/browser.js';
import {
  pollToken,
  refreshTokens,
  signInDevice,
  startDeviceFlow,
  type TokenAnswer,
} from '../support/gateway.js';
import { ADMIN_PASSWORD, signedInUser, USER_PASSWORD } from '../support/graphql.js';
import { startTestRelay, type TestRelay } from '../support/relay.js';

describe('gateway sign-in pages', { timeout: 90_000 }, () => {
  let relay: TestRelay;
  let browser: Browser;

  beforeAll(async () => {
    relay = await startTestRelay();
    await signedInUser(relay, 'mia', 'member');
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await relay?.stop();
  });

  /** The GraphQL operations the page sent that look at or decide a sign-in code. */
  const codeOperations = (page: Page): string[] => {
    const seen: string[] = [];
    page.on('request', (request) => {
      const body = request.url().endsWith('/graphql') ? (request.postData() ?? '') : '';
      const operation = /(gatewaySignIn|approveGatewaySignIn|denyGatewaySignIn)\(/.exec(body)?.[1];
      if (operation) seen.push(operation);
    });
    return seen;
  };

  const oauthError = (response: { body: string }) => (JSON.parse(response.body) as { error: string }).error;

  it('signs a device in from the link it opened, after sign-in and a press of Continue, then revokes it', async () => {
    const authorization = await startDeviceFlow(relay);
    const code = authorization.user_code;
    const { context, page } = await newPage(browser, relay.url);
    const operations = codeOperations(page);

    // The link the terminal opens: the relay's /device, then sign-in, which brings the person back.
    await page.goto(authorization.verification_uri_complete);
    await page.getByLabel('Username').waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/device?user_code=${code}`);
    await page.getByLabel('Username').fill('mia');
    await page.getByLabel(/^Password/).fill(USER_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`**/admin/device?user_code=${code}`);

    // Filled in, but neither looked up nor approved: the device is still waiting.
    const codeInput = page.getByLabel('Sign-in code');
    await expect.poll(() => codeInput.inputValue()).toBe(code);
    await page.waitForTimeout(500);
    expect(operations).toEqual([]);
    const pending = await pollToken(relay, authorization.device_code);
    expect(pending.status).toBe(400);
    expect(oauthError(pending)).toBe('authorization_pending');

    await page.getByRole('button', { name: 'Continue' }).click();
    await expect
      .poll(() => page.getByTestId('sign-in-surface').textContent(), { timeout: 10_000 })
      .toContain('claude_code');
    expect(await page.getByTestId('sign-in-code').textContent()).toBe(code);
    expect(await page.getByRole('table', { name: 'The device asking to sign in' }).textContent()).toContain(
      'claude-code/2.1.332',
    );
    expect(await page.getByTestId('sign-in-expiry').textContent()).toMatch(/^In \d+:\d\d/);
    const keyChooser = page.getByRole('combobox', { name: 'Key for this device' });
    expect(await keyChooser.inputValue()).toBe('My default sign-in key (created on first use)');
    expect(operations).toEqual(['gatewaySignIn']);
    await screenshot(page, 'device-verification');

    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Device signed in. You can return to your terminal.').waitFor();
    const answer = await pollToken(relay, authorization.device_code);
    expect(answer.status).toBe(200);
    const tokens = JSON.parse(answer.body) as TokenAnswer;
    expect(tokens.access_token).toBeTruthy();
    expect(tokens.refresh_token).toBeTruthy();

    // The device on the devices page, with the default key made for it, then revoked.
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'My devices' }).click();
    const row = page.getByRole('row', { name: /claude_code/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('claude-code/2.1.332');
    expect(await row.textContent()).toContain('Gateway sign-in: mia');
    await row.getByRole('button', { name: 'Revoke' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke this device?' });
    await dialog.getByRole('button', { name: 'Revoke device' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('empty-state').getByText('Run /login in Claude Code', { exact: false }).waitFor();
    const refused = await refreshTokens(relay, tokens.refresh_token);
    expect(refused.status).toBe(401);
    expect(oauthError(refused)).toBe('invalid_grant');
    await context.close();
  });

  it('denies a sign-in, and says so plainly for a malformed or already decided code', async () => {
    const authorization = await startDeviceFlow(relay);
    const code = authorization.user_code;
    const { context, page } = await newPage(browser, relay.url);
    await signIn(page, 'mia', USER_PASSWORD, '/admin/device');
    const codeInput = page.getByLabel('Sign-in code');
    expect(await codeInput.inputValue()).toBe('');

    // A malformed code is refused beside the field.
    await codeInput.fill('WDJB');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => codeInput.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByText('A sign-in code is 8 letters').count()).toBe(1);

    // Typed as a person might: lower case, no dash.
    await codeInput.fill(code.toLowerCase().replace('-', ''));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('sign-in-surface').waitFor();
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.getByText('Sign-in denied.').waitFor();
    const denied = await pollToken(relay, authorization.device_code);
    expect(denied.status).toBe(400);
    expect(oauthError(denied)).toBe('access_denied');

    // The same code again: decided, said beside the form.
    await page.getByRole('button', { name: 'Enter another code' }).click();
    await codeInput.fill(code);
    await page.getByRole('button', { name: 'Continue' }).click();
    const alert = page.getByRole('alert');
    await alert.getByText('This sign-in is already decided').waitFor();
    expect(await alert.textContent()).toContain('already denied');
    await context.close();
  });

  it("shows an admin every user's devices, with whose each is", async () => {
    const bob = await signedInUser(relay, 'bob', 'member');
    await signInDevice(relay, bob);
    const { context, page } = await newPage(browser, relay.url);
    await signIn(page, 'admin', ADMIN_PASSWORD, '/admin/devices');
    const row = page.getByRole('row', { name: /bob/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('Gateway sign-in: bob');
    expect(await page.getByRole('columnheader', { name: 'User', exact: true }).count()).toBe(1);
    await context.close();
  });
});
