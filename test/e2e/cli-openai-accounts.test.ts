// The admin CLI adds OpenAI accounts: an openai-api account from a key read on stdin, and an openai-oauth account by
// signing in to ChatGPT as Codex does (against a fake auth.openai.com), pasting back the URL the browser ended on.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../src/services/accounts/account-types.js';
import type { OAuthStart } from '../../src/services/accounts/oauth/oauth-flow.js';
import type { Services } from '../../src/services/container.js';
import { type CliEnv, type CliFixture, createCliFixture, runCli, runCliJson } from '../support/cli.js';
import { type FakeOpenAIOAuth, startFakeOpenAIOAuth } from '../support/fake-openai-oauth.js';

// Every CLI run compiles the CLI with tsx: seconds each on a loaded machine.
describe('admin CLI: OpenAI accounts', { timeout: 90_000 }, () => {
  let fake: FakeOpenAIOAuth;
  let fixture: CliFixture;
  let env: CliEnv;
  let services: Services;

  beforeAll(async () => {
    fake = await startFakeOpenAIOAuth();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(async () => {
    fixture = await createCliFixture();
    env = { ...fixture.env, ...fake.env() };
    services = await fixture.servicesLikeCli();
  });
  afterEach(async () => {
    await fixture.cleanup();
  });

  it('creates an openai-api account with the key from stdin, and sends OAuth kinds to sign in', async () => {
    const created = await runCli(
      ['accounts', 'create', '--type', 'openai-api', '--name', 'platform', '--api-key', '-', '--json'],
      env,
      'sk-openai-cli-SECRET\n',
    );
    expect(created.code).toBe(0);
    expect(created.stdout).not.toContain('sk-openai-cli-SECRET');
    const account = JSON.parse(created.stdout) as Account;
    expect(account).toMatchObject({
      type: 'openai-api',
      platform: 'openai',
      baseUrl: 'https://api.openai.com/v1',
      authHeader: 'bearer',
    });
    expect((await services.accounts.runtime(account.id))?.secrets.apiKey).toBe('sk-openai-cli-SECRET');

    const [oauthType, keyless, badStart] = await Promise.all([
      runCli(['accounts', 'create', '--type', 'openai-oauth', '--name', 'o', '--api-key', 'k'], env),
      runCli(['accounts', 'create', '--type', 'openai-api', '--name', 'n'], env),
      runCli(['accounts', 'oauth-start', '--type', 'openai-api'], env),
    ]);
    expect(oauthType.code).toBe(2);
    expect(oauthType.stderr).toContain(
      'error: openai-oauth accounts are added by signing in: run "accounts oauth-start" with --type openai-oauth',
    );
    expect(keyless.code).toBe(2);
    expect(keyless.stderr).toContain('error: --api-key is required for openai-api accounts');
    expect(badStart.code).toBe(2);
    expect(badStart.stderr).toContain('error: --type must be one of: claude-oauth, openai-oauth');
  });

  it('adds an openai-oauth account from the callback URL pasted on stdin, printing no token', async () => {
    const shown = await runCli(['accounts', 'oauth-start', '--type', 'openai-oauth'], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('the whole URL the browser ends on');
    expect(shown.stdout).toMatch(
      /^ {2}http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S*codex_cli_simplified_flow=true/m,
    );

    const started = await runCliJson<OAuthStart>(['accounts', 'oauth-start', '--type', 'openai-oauth'], env);
    expect(started.type).toBe('openai-oauth');
    const callback = fake.authorize(started.authorizationUrl);
    const finished = await runCli(
      // biome-ignore format: one topic per line
      [
        'accounts', 'oauth-finish', '--session', started.sessionId, '--code', '-', '--name', 'chatgpt pro',
        '--priority', '4', '--json',
      ],
      env,
      `${callback}\n`,
    );
    expect(finished.code).toBe(0);
    const account = JSON.parse(finished.stdout) as Account;
    expect(account).toMatchObject({
      type: 'openai-oauth',
      platform: 'openai',
      name: 'chatgpt pro',
      priority: 4,
      baseUrl: 'https://chatgpt.com/backend-api/codex',
    });
    const secrets = (await services.accounts.runtime(account.id))?.secrets;
    expect(secrets).toMatchObject({
      accessToken: fake.lastAccessToken,
      chatgptAccountId: 'acct-chatgpt-fake-1',
    });
    for (const secret of [secrets?.accessToken, secrets?.refreshToken, callback]) {
      expect(finished.stdout).not.toContain(secret);
      expect(finished.stderr).not.toContain(secret);
    }
    const audit = await services.audit.list({ limit: 10 });
    expect(audit.items.find((entry) => entry.action === 'account.oauth_start')).toMatchObject({
      detail: { type: 'openai-oauth' },
    });
  });
});
