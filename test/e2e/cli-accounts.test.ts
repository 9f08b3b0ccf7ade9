// The admin CLI's account commands as a child process: bedrock and OAuth accounts, live state, connection tests,
// resets, account groups and key bindings, against the test Redis and fake upstreams on 127.0.0.1.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AccountGroup } from '../../src/services/accounts/account-group-types.js';
import type { LiveState, StateChange } from '../../src/services/accounts/account-health.js';
import type { Account } from '../../src/services/accounts/account-types.js';
import type { ConnectionTestResult } from '../../src/services/accounts/connection-tests.js';
import type { OAuthStart } from '../../src/services/accounts/oauth/oauth-flow.js';
import type { IssuedApiKey } from '../../src/services/api-keys/api-key-service.js';
import type { ApiKey } from '../../src/services/api-keys/api-key-types.js';
import type { Services } from '../../src/services/container.js';
import {
  type CliEnv,
  type CliFixture,
  type CliResult,
  createCliFixture,
  runCli,
  runCliJson,
} from '../support/cli.js';
import {
  FAKE_BEDROCK_BEARER_TOKEN,
  FAKE_BEDROCK_CREDENTIAL,
  type FakeBedrock,
  startFakeBedrock,
} from '../support/fake-bedrock/index.js';
import { type FakeOAuth, startFakeOAuth } from '../support/fake-oauth.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';

const UPSTREAM_KEY = 'sk-ant-upstream-SECRET-cli';

interface ShownAccount extends Account {
  live: LiveState;
  history: StateChange[];
  connectionTests: ConnectionTestResult[];
}

function expectNoSecrets(result: CliResult, secrets: readonly (string | undefined)[]): void {
  for (const secret of secrets) {
    if (secret === undefined) continue;
    expect(result.stdout).not.toContain(secret);
    expect(result.stderr).not.toContain(secret);
  }
}

function expectUsage(result: CliResult, message: string): void {
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 2, stdout: '' });
  expect(result.stderr).toContain(`error: ${message}`);
}

// Each test spawns about ten CLI processes, each compiling the CLI with tsx: well over the default timeout on
// a loaded two-core machine.
describe('admin CLI accounts, groups and bindings', { timeout: 90_000 }, () => {
  let upstream: FakeUpstream;
  let bedrock: FakeBedrock;
  let oauth: FakeOAuth;
  let fixture: CliFixture;
  let env: CliEnv;
  let services: Services;

  beforeAll(async () => {
    upstream = await startFakeUpstream({ apiKey: UPSTREAM_KEY });
    bedrock = await startFakeBedrock();
    oauth = await startFakeOAuth();
  });
  afterAll(async () => {
    await upstream.close();
    await bedrock.close();
    await oauth.close();
  });
  beforeEach(async () => {
    fixture = await createCliFixture();
    ({ env } = fixture);
    services = await fixture.servicesLikeCli();
  });
  afterEach(async () => {
    upstream.reset();
    await fixture.cleanup();
  });

  const consoleAccount = (name: string, apiKey = UPSTREAM_KEY) =>
    services.accounts.create({
      type: 'claude-console',
      name,
      baseUrl: upstream.url,
      credentials: { apiKey },
    });

  it('creates bedrock accounts from a Bedrock API key on stdin or from AWS keys, never printing them', async () => {
    const created = await runCli(
      // biome-ignore format: one topic per line
      [
        'accounts', 'create', '--type', 'bedrock', '--name', 'bedrock key', '--region', 'us-east-1',
        '--api-key', '-', '--base-url', bedrock.url, '--weight', '7', '--json',
      ],
      env,
      `${FAKE_BEDROCK_BEARER_TOKEN}\n`,
    );
    expect(created.code).toBe(0);
    expectNoSecrets(created, [FAKE_BEDROCK_BEARER_TOKEN]);
    const keyed = JSON.parse(created.stdout) as Account;
    expect(keyed).toMatchObject({ type: 'bedrock', region: 'us-east-1', baseUrl: bedrock.url, weight: 7 });
    expect((await services.accounts.runtime(keyed.id))?.secrets).toEqual({
      apiKey: FAKE_BEDROCK_BEARER_TOKEN,
    });

    // The key read from stdin is the one the fake Bedrock accepts.
    const tested = await runCli(['accounts', 'test', keyed.id], env);
    expect(tested.code).toBe(0);
    expect(tested.stdout).toContain(': ok');
    expect(bedrock.calls).toHaveLength(1);

    const sessionToken = 'aws-session-SECRET-token';
    const signed = await runCli(
      // biome-ignore format: one topic per line
      [
        'accounts', 'create', '--type', 'bedrock', '--name', 'bedrock iam', '--region', 'eu-west-1',
        '--aws-access-key-id', FAKE_BEDROCK_CREDENTIAL.accessKeyId, '--aws-secret-access-key', '-',
        '--aws-session-token', sessionToken,
      ],
      env,
      FAKE_BEDROCK_CREDENTIAL.secretAccessKey,
    );
    expect(signed.code).toBe(0);
    expectNoSecrets(signed, [FAKE_BEDROCK_CREDENTIAL.secretAccessKey, sessionToken]);
    expect(signed.stdout).toContain('https://bedrock-runtime.eu-west-1.amazonaws.com');
    const signedId = /^Created account (\S+)$/m.exec(signed.stdout)?.[1] ?? '';
    expect((await services.accounts.runtime(signedId))?.secrets).toEqual({
      awsAccessKeyId: FAKE_BEDROCK_CREDENTIAL.accessKeyId,
      awsSecretAccessKey: FAKE_BEDROCK_CREDENTIAL.secretAccessKey,
      awsSessionToken: sessionToken,
    });
  });

  it('explains what a bedrock or other account lacks before connecting, and relays the service checks', async () => {
    const bedrockArgs = ['accounts', 'create', '--type', 'bedrock', '--name', 'b'];
    const keyId = ['--aws-access-key-id', FAKE_BEDROCK_CREDENTIAL.accessKeyId];
    const [noRegion, nothing, halfPair, both, twoStdin, lonelyToken, authHeader] = await Promise.all([
      runCli([...bedrockArgs, '--api-key', 'k'], env),
      runCli([...bedrockArgs, '--region', 'us-east-1'], env),
      runCli([...bedrockArgs, '--region', 'us-east-1', ...keyId], env),
      runCli([...bedrockArgs, '--region', 'us-east-1', '--api-key', 'k', ...keyId], env),
      runCli(
        [...bedrockArgs, '--region', 'us-east-1', ...keyId, '--api-key', '-', '--aws-secret-access-key', '-'],
        env,
      ),
      runCli([...bedrockArgs, '--region', 'us-east-1', '--aws-session-token', 't'], env),
      runCli([...bedrockArgs, '--region', 'us-east-1', '--api-key', 'k', '--auth-header', 'bearer'], env),
    ]);
    expectUsage(noRegion, '--region is required for bedrock accounts');
    expectUsage(nothing, 'bedrock accounts need --api-key (a Bedrock API key) or --aws-access-key-id and');
    expectUsage(halfPair, '--aws-access-key-id and --aws-secret-access-key go together');
    expectUsage(both, '--api-key and --aws-access-key-id cannot be combined');
    expectUsage(twoStdin, 'only one option can read stdin ("-"), not --api-key and --aws-secret-access-key');
    expectUsage(lonelyToken, '--aws-session-token needs --aws-access-key-id and --aws-secret-access-key');
    expectUsage(authHeader, '--auth-header is not used by bedrock accounts');

    const consoleArgs = ['accounts', 'create', '--type', 'claude-console', '--name', 'c'];
    const [noKey, misplaced, oauthType, badRegion, emptyStdin] = await Promise.all([
      runCli(consoleArgs, env),
      runCli([...consoleArgs, '--api-key', 'k', '--region', 'us-east-1'], env),
      runCli(['accounts', 'create', '--type', 'claude-oauth', '--name', 'o', '--api-key', 'k'], env),
      runCli([...bedrockArgs, '--region', 'mars', '--api-key', 'k'], env),
      runCli([...bedrockArgs, '--region', 'us-east-1', '--api-key', '-'], env, '\n'),
    ]);
    expectUsage(noKey, '--api-key is required for claude-console accounts');
    expectUsage(misplaced, '--region is only for bedrock accounts');
    expectUsage(oauthType, 'claude-oauth accounts are added by signing in: run "accounts oauth-start"');
    // What only the service knows comes back as exit 1 with the field it concerns.
    expect(badRegion.code).toBe(1);
    expect(badRegion.stderr).toContain('error: region: must be an AWS region such as us-east-1');
    expect(emptyStdin.code).toBe(1);
    expect(emptyStdin.stderr).toContain('error: --api-key must not be empty (nothing was read from stdin)');
    expect((await services.accounts.list()).items).toEqual([]);
  });

  it('tests accounts: success exits 0; a refused key exits 1, shows as auth_failed, and reset brings it back', async () => {
    const good = await runCli(
      [
        'accounts',
        'create',
        '--type',
        'claude-console',
        '--name',
        'good',
        '--api-key',
        '-',
        '--base-url',
        upstream.url,
      ],
      env,
      UPSTREAM_KEY,
    );
    expect(good.code).toBe(0);
    const goodId = /^Created account (\S+)$/m.exec(good.stdout)?.[1] ?? '';
    const bad = await consoleAccount('bad', 'sk-ant-wrong-SECRET');

    const passed = await runCli(['accounts', 'test', goodId, '--model', 'claude-sonnet-4-5'], env);
    expect(passed.code).toBe(0);
    expect(passed.stdout).toContain(`Connection test of account ${goodId} (good): ok`);
    expect(passed.stdout).toMatch(/status:\s+200/);
    expect(passed.stdout).toMatch(/latency:\s+[\d.]+ ms/);
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]?.json).toMatchObject({ model: 'claude-sonnet-4-5', max_tokens: 1 });

    const failed = await runCli(['accounts', 'test', bad.id], env);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(`Connection test of account ${bad.id} (bad): failed`);
    expect(failed.stdout).toMatch(/status:\s+401/);
    expect(failed.stdout).toMatch(/message:\s+.*invalid x-api-key/i);
    expectNoSecrets(failed, ['sk-ant-wrong-SECRET', UPSTREAM_KEY]);
    const failedJson = await runCli(['accounts', 'test', bad.id, '--json'], env);
    expect(failedJson.code).toBe(1);
    expect(JSON.parse(failedJson.stdout)).toMatchObject({ accountId: bad.id, ok: false, status: 401 });

    const [shown, shownJson, listed] = await Promise.all([
      runCli(['accounts', 'show', bad.id], env),
      runCliJson<ShownAccount>(['accounts', 'show', bad.id], env),
      runCli(['accounts', 'list'], env),
    ]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/live state:\s+auth_failed \(upstream_401\)/);
    expect(shown.stdout).toMatch(/Recent state changes:\n.*\n.*active\s+auth_failed\s+-\s+upstream_401/);
    expect(shown.stdout).toMatch(
      /Recent connection tests:\n.*\n.*failed\s+401\s+[\d.]+ ms\s+claude-haiku-4-5\s+.*x-api-key/i,
    );
    expect(shownJson.live).toMatchObject({ kind: 'auth_failed', reason: 'upstream_401', families: {} });
    expect(shownJson.connectionTests.map((result) => result.ok)).toEqual([false, false]);
    expect(shownJson).not.toHaveProperty('sealedSecrets');
    expect(listed.stdout).toMatch(new RegExp(`${bad.id}\\s+bad\\s+claude-console\\s+active\\s+auth_failed`));
    expect(listed.stdout).toMatch(new RegExp(`${goodId}\\s+good\\s+claude-console\\s+active\\s+active`));

    const reset = await runCli(['accounts', 'reset', bad.id], env);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain(`Reset account ${bad.id} (bad): was auth_failed, now active`);
    expect((await services.health.state(bad.id, 'claude')).kind).toBe('active');
    const after = await runCliJson<ShownAccount>(['accounts', 'show', bad.id], env);
    expect(after.live.kind).toBe('active');
    expect(after.history[0]).toMatchObject({ from: 'auth_failed', to: 'active', reason: 'reset' });

    const [again, missing] = await Promise.all([
      runCli(['accounts', 'reset', bad.id], env),
      runCli(['accounts', 'test', 'acc_missing'], env),
    ]);
    expect(again.stdout).toContain('was already active');
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toContain('error: Account acc_missing does not exist');
  });

  it('adds a claude-oauth account by signing in, with the code from stdin and no token printed', async () => {
    const oauthEnv: CliEnv = { ...env, ...oauth.env() };
    const shown = await runCli(['accounts', 'oauth-start'], oauthEnv);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('Open this URL in a browser, sign in');
    expect(shown.stdout).toMatch(/^ {2}http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S*code_challenge=/m);
    expect(shown.stdout).toMatch(/session:\s+\S+/);

    const started = await runCliJson<OAuthStart>(['accounts', 'oauth-start'], oauthEnv);
    expect(new URL(started.authorizationUrl).searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    const code = oauth.authorize(started.authorizationUrl);
    const finished = await runCli(
      // biome-ignore format: one topic per line
      [
        'accounts', 'oauth-finish', '--session', started.sessionId, '--code', '-', '--name', 'subscription',
        '--base-url', upstream.url, '--priority', '3', '--json',
      ],
      oauthEnv,
      code,
    );
    expect(finished.code).toBe(0);
    const account = JSON.parse(finished.stdout) as Account;
    expect(account).toMatchObject({
      type: 'claude-oauth',
      name: 'subscription',
      priority: 3,
      baseUrl: upstream.url,
    });
    const secrets = (await services.accounts.runtime(account.id))?.secrets;
    expect(secrets?.accessToken).toBe(oauth.lastAccessToken);
    expectNoSecrets(finished, [secrets?.accessToken, secrets?.refreshToken, code]);

    const reused = await runCli(
      ['accounts', 'oauth-finish', '--session', started.sessionId, '--code', code, '--name', 'twice'],
      oauthEnv,
    );
    expect(reused.code).toBe(1);
    expect(reused.stderr).toMatch(/^error: /m);
    expectUsage(
      await runCli(['accounts', 'oauth-finish', '--session', 's', '--name', 'n'], oauthEnv),
      '--code is required',
    );
  });

  it('creates, lists, shows, changes and deletes account groups', async () => {
    const one = await consoleAccount('one');
    const two = await consoleAccount('two');
    const created = await runCliJson<AccountGroup>(
      ['groups', 'create', '--name', 'team', '--description', 'team A', '--member', one.id],
      env,
    );
    expect(created).toMatchObject({
      name: 'team',
      platform: 'claude',
      description: 'team A',
      memberIds: [one.id],
    });
    const id = created.id;

    const added = await runCli(['groups', 'add', id, two.id, one.id], env);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain(`group ${id} (team) has 2 member(s)`);
    expect((await services.groups.get(id))?.memberIds).toEqual([one.id, two.id]);

    const [shown, listed, unknownMember, noMember] = await Promise.all([
      runCli(['groups', 'show', id], env),
      runCli(['groups', 'list'], env),
      runCli(['groups', 'add', id, 'acc_missing'], env),
      runCli(['groups', 'add', id], env),
    ]);
    expect(shown.stdout).toMatch(/description:\s+team A/);
    expect(shown.stdout).toMatch(new RegExp(`${two.id}\\s+two\\s+claude-console\\s+active\\s+active`));
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+team\\s+claude\\s+2\\s+team A`));
    expect(unknownMember.code).toBe(1);
    expect(unknownMember.stderr).toContain('error: memberIds: account acc_missing does not exist');
    expectUsage(noMember, '<accountId> is required');

    const removed = await runCliJson<AccountGroup>(['groups', 'remove', id, one.id], env);
    expect(removed.memberIds).toEqual([two.id]);

    const deleted = await runCli(['groups', 'delete', id], env);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain(`Deleted group ${id}`);
    const [gone, deleteAgain] = await Promise.all([
      runCli(['groups', 'show', id], env),
      runCli(['groups', 'delete', id], env),
    ]);
    for (const result of [gone, deleteAgain]) {
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`error: Account group ${id} does not exist`);
    }
    expect(await services.accounts.get(one.id)).toBeDefined();
  });

  it('binds keys to an account or a group, with a fallback, and unbinds them', async () => {
    const account = await consoleAccount('bound');
    const group = await services.groups.create({ name: 'g', platform: 'claude', memberIds: [account.id] });

    const created = await runCliJson<IssuedApiKey>(
      ['keys', 'create', '--name', 'bound key', '--bind-group', group.id, '--binding-fallback', 'pool'],
      env,
    );
    expect(created.key).toMatchObject({
      bindings: { claude: { groupId: group.id } },
      bindingFallback: 'pool',
    });
    const id = created.key.id;
    const shown = await runCli(['keys', 'show', id], env);
    expect(shown.stdout).toMatch(new RegExp(`bindings:\\s+claude: group ${group.id}\\n`));
    expect(shown.stdout).toMatch(/binding fallback:\s+pool/);

    const rebound = await runCliJson<ApiKey>(['keys', 'update', id, '--bind-account', account.id], env);
    expect(rebound).toMatchObject({
      bindings: { claude: { accountId: account.id } },
      bindingFallback: 'pool',
    });
    expect((await services.apiKeys.get(id))?.bindings).toEqual({ claude: { accountId: account.id } });

    const [both, unknownAccount, unknownGroup, unbindOnCreate, badFallback] = await Promise.all([
      runCli(['keys', 'update', id, '--bind-account', account.id, '--bind-group', group.id], env),
      runCli(['keys', 'update', id, '--bind-account', 'acc_missing'], env),
      runCli(['keys', 'create', '--name', 'x', '--bind-group', 'grp_missing'], env),
      runCli(['keys', 'create', '--name', 'x', '--unbind'], env),
      runCli(['keys', 'update', id, '--binding-fallback', 'maybe'], env),
    ]);
    expectUsage(both, '--bind-account and --bind-group cannot be combined');
    expect(unknownAccount.code).toBe(1);
    expect(unknownAccount.stderr).toContain('error: Account acc_missing does not exist');
    expect(unknownGroup.code).toBe(1);
    expect(unknownGroup.stderr).toContain('error: Account group grp_missing does not exist');
    expectUsage(unbindOnCreate, "Unknown option '--unbind'");
    expectUsage(badFallback, '--binding-fallback must be one of: fail, pool');
    expect((await services.apiKeys.list()).items.map((key) => key.id)).toEqual([id]);

    const unbound = await runCliJson<ApiKey>(
      ['keys', 'update', id, '--unbind', '--binding-fallback', 'fail'],
      env,
    );
    expect(unbound).toMatchObject({ bindings: {}, bindingFallback: 'fail' });
    const after = await runCli(['keys', 'show', id], env);
    expect(after.stdout).toMatch(/bindings:\s+none \(whole pool\)/);
    expect(after.stdout).toMatch(/binding fallback:\s+fail/);
  });
});
