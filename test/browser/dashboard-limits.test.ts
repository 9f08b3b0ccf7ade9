// Spend limits, user groups and managed settings through the dashboard in headless Chromium, against a relay
// with an account on a fake upstream: an admin puts a member in a group on the users page (a name the server
// would refuse is named beside the field and not sent), caps that group at $0 a day on the spend limits page,
// and the member's next request with their own key (official SDK) is refused with 429 until the admin deletes
// the cap; the member sees only their own standing. An admin adds managed settings for everyone, which the
// member's key then gets from /managed/settings; text that is not a JSON object is refused before sending.
import Anthropic from '@anthropic-ai/sdk';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, screenshot, signIn } from '../support/browser.js';
import { ADMIN_PASSWORD, USER_PASSWORD } from '../support/graphql.js';
import { rawRequest } from '../support/http.js';
import { createKey, type RelayWithAccount, startRelayWithAccount } from '../support/relay.js';

const SETTINGS = {
  env: { CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY: '1' },
  permissions: { deny: ['WebFetch'] },
};

describe('dashboard spend limits and managed settings', { timeout: 120_000 }, () => {
  let env: RelayWithAccount;
  let browser: Browser;
  let memberId = '';
  let memberKey = '';

  beforeAll(async () => {
    env = await startRelayWithAccount();
    const member = await env.relay.server.services.users.create({
      username: 'mia',
      password: USER_PASSWORD,
      role: 'member',
    });
    memberId = member.id;
    memberKey = (await createKey(env.relay, { name: 'mia laptop', ownerId: member.id })).plaintext;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await env?.stop();
  });

  const ask = () =>
    new Anthropic({ apiKey: memberKey, baseURL: env.relay.url, maxRetries: 0 }).messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'hi' }],
    });

  /** The GraphQL mutations the page sent that set or delete something, by field name. */
  const sentMutations = (page: Page): string[] => {
    const seen: string[] = [];
    page.on('request', (request) => {
      const body = request.url().endsWith('/graphql') ? (request.postData() ?? '') : '';
      const field = /(updateUser|setSpendLimit|deleteSpendLimit|setManagedSettings)\(/.exec(body)?.[1];
      if (field) seen.push(field);
    });
    return seen;
  };

  it('caps a group at $0 a day: its member’s next request is refused with 429 until the cap is deleted', async () => {
    await expect(ask()).resolves.toMatchObject({ type: 'message' });
    const { context, page } = await newPage(browser, env.relay.url);
    const sent = sentMutations(page);
    await signIn(page, 'admin', ADMIN_PASSWORD);

    // Groups: a name the server would refuse is named beside the field, and nothing is sent.
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'Edit groups of mia' }).click();
    const groupsDialog = page.getByRole('dialog', { name: 'Groups of mia' });
    const groups = groupsDialog.getByRole('combobox', { name: 'Groups' });
    await groups.fill('Interns');
    await groups.press('Enter');
    await groupsDialog.getByRole('button', { name: 'Save groups' }).click();
    await expect.poll(() => groups.getAttribute('aria-invalid')).toBe('true');
    await groupsDialog.getByText('“Interns” is not a group name', { exact: false }).waitFor();
    expect(sent).toEqual([]);
    await groups.press('Backspace');
    await groups.fill('interns');
    await groups.press('Enter');
    await groupsDialog.getByRole('button', { name: 'Save groups' }).click();
    await groupsDialog.waitFor({ state: 'detached' });
    await page.locator(`tr[data-user-id="${memberId}"]`).getByText('interns', { exact: true }).waitFor();
    expect((await env.relay.server.services.users.get(memberId))?.groups).toEqual(['interns']);

    // A $0 daily cap for the group.
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Spend limits' }).click();
    await page.getByRole('button', { name: 'Add limit' }).click();
    const limitDialog = page.getByRole('dialog', { name: 'Add spend limit' });
    await limitDialog.getByLabel(/^Group/).fill('interns');
    await limitDialog.getByLabel(/^Period/).click();
    await page.getByRole('option', { name: 'Daily' }).click();
    await limitDialog.getByLabel(/^Cap in US dollars/).fill('0');
    await limitDialog.getByRole('button', { name: 'Save limit' }).click();
    await limitDialog.waitFor({ state: 'detached' });
    const limitRow = page.getByRole('table', { name: 'Spend limits' }).getByRole('row', { name: /interns/ });
    await limitRow.waitFor();
    expect(await limitRow.textContent()).toMatch(/Daily.*\$0\.00/);
    const [limit] = await env.relay.server.services.spendLimits.list();
    expect(limit).toMatchObject({
      scope: { type: 'group', group: 'interns' },
      period: 'daily',
      amountCents: 0,
    });

    await expect(ask()).rejects.toMatchObject({ status: 429 });
    const standing = page.locator(`tr[data-user-id="${memberId}"][data-period="daily"]`);
    await page.reload();
    await standing.getByText('from group interns').waitFor();
    await screenshot(page, 'spend-limits');

    // The member sees their own standing and nobody else's.
    const asMember = await newPage(browser, env.relay.url);
    await signIn(asMember.page, 'mia', USER_PASSWORD);
    await asMember.page.getByRole('link', { name: 'My spend' }).click();
    const mine = asMember.page.getByRole('table', { name: 'Effective spend' }).locator('tbody tr');
    await expect.poll(() => mine.count(), { timeout: 10_000 }).toBe(3);
    expect(await asMember.page.locator(`tr[data-user-id="${memberId}"]`).count()).toBe(3);
    expect(await asMember.page.getByRole('table', { name: 'Spend limits' }).count()).toBe(0);
    expect(await asMember.page.getByText('from group interns').count()).toBe(1);
    await asMember.context.close();

    // Deleted through the confirmation: the next request goes through.
    await page.getByRole('button', { name: 'Delete the daily limit of group interns' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete the daily limit of group interns?' });
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await confirm.waitFor({ state: 'detached' });
    await page.getByTestId('empty-state').getByText('No spend limits').waitFor();
    expect(await env.relay.server.services.spendLimits.list()).toEqual([]);
    await expect(ask()).resolves.toMatchObject({ type: 'message' });
    expect(sent).toEqual(['updateUser', 'setSpendLimit', 'deleteSpendLimit']);
    await context.close();
  });

  it('adds managed settings for everyone, served to the member’s key; text that is no JSON object is not sent', async () => {
    const before = await rawRequest(`${env.relay.url}/managed/settings`, {
      headers: { 'x-api-key': memberKey },
    });
    expect(before.status).toBe(404);
    const { context, page } = await newPage(browser, env.relay.url);
    const sent = sentMutations(page);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page
      .getByRole('navigation', { name: 'Pages' })
      .getByRole('link', { name: 'Managed settings' })
      .click();
    await page.getByRole('button', { name: 'Add policy' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a managed settings policy' });
    const editor = dialog.getByRole('textbox', { name: /^Settings \(JSON\)/ });

    await editor.fill('{"env": ');
    await dialog.getByRole('button', { name: 'Save policy' }).click();
    await expect.poll(() => editor.getAttribute('aria-invalid')).toBe('true');
    await dialog.getByText('Not valid JSON', { exact: false }).waitFor();
    await editor.fill('["WebFetch"]');
    await dialog.getByRole('button', { name: 'Save policy' }).click();
    await dialog.getByText('not an array', { exact: false }).waitFor();
    expect(sent).toEqual([]);

    await editor.fill(JSON.stringify(SETTINGS, null, 2));
    expect(await editor.getAttribute('aria-invalid')).not.toBe('true');
    await dialog.getByRole('button', { name: 'Save policy' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('region', { name: 'Everyone' }).waitFor();
    expect(sent).toEqual(['setManagedSettings']);

    const served = await rawRequest(`${env.relay.url}/managed/settings`, {
      headers: { 'x-api-key': memberKey },
    });
    expect(served.status).toBe(200);
    expect((JSON.parse(served.body) as { settings: unknown }).settings).toEqual(SETTINGS);
    await context.close();
  });
});
