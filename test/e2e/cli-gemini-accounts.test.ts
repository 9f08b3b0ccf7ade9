// Gemini accounts through the control plane's callers. The admin CLI adds a gemini-api account from an AI Studio
// key read on stdin and tests it against a fake Generative Language API, and adds a gemini-oauth account by signing
// in to a fake Google (Gemini CLI's manual flow: PKCE, the codeassist.google.com/authcode page) with a Code Assist
// project, never printing a secret and auditing every change under its own actor. GraphQL and tRPC create and
// update the same kinds, reading back and refusing a bad projectId naming the field.
import { userInfo } from 'node:os';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRelayTrpcClient, type RelayTrpcClient } from '../../clients/trpc.js';
import type { Account } from '../../src/services/accounts/account-types.js';
import type { ConnectionTestResult } from '../../src/services/accounts/connection-tests.js';
import type { Services } from '../../src/services/container.js';
import { type CliEnv, type CliFixture, createCliFixture, runCli } from '../support/cli.js';
import {
  FAKE_GOOGLE_CLIENT_ID,
  type FakeGoogleOAuth,
  GOOGLE_MANUAL_REDIRECT_URI,
  startFakeGoogleOAuth,
} from '../support/fake-google-oauth.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { ADMIN_PASSWORD, dataOf, errorOf, graphql, signIn } from '../support/graphql.js';
import { startTestRelay, type TestRelay } from '../support/relay.js';
import { refusal } from '../support/trpc.js';

const ACTOR = `cli:${userInfo().username}`;
const GEMINI_KEY = 'AIzaSy-gemini-cli-SECRET-0123456789abcdef';
const PROJECT = 'team-project-42';
const PROJECT_ERROR = 'must be a Google Cloud project id';

// Every CLI run compiles the CLI with tsx: seconds each on a loaded machine.
describe('admin CLI: Gemini accounts', { timeout: 120_000 }, () => {
  let google: FakeGoogleOAuth;
  let upstream: FakeUpstream;
  let fixture: CliFixture;
  let env: CliEnv;
  let services: Services;

  beforeAll(async () => {
    google = await startFakeGoogleOAuth();
    // One fake for both: the Generative Language API checks the key, Code Assist the Google access token and
    // that generate calls name the account's project.
    upstream = await startFakeUpstream({
      apiKey: GEMINI_KEY,
      googleAccessToken: (token) => google.isLiveAccessToken(token),
      codeAssistProject: PROJECT,
    });
  });
  afterAll(async () => {
    await upstream.close();
    await google.close();
  });
  beforeEach(async () => {
    fixture = await createCliFixture();
    env = { ...fixture.env, ...google.env() };
    services = await fixture.servicesLikeCli();
    upstream.reset();
  });
  afterEach(async () => {
    await fixture.cleanup();
  });

  /** The audit log, oldest first. */
  async function auditTrail() {
    return (await services.audit.list({ limit: 100 })).items.slice().reverse();
  }

  it('creates a gemini-api account from a key on stdin and tests it with x-goog-api-key', async () => {
    const created = await runCli(
      ['accounts', 'create', '--type', 'gemini-api', '--name', 'ai studio', '--api-key', '-', '--json'],
      env,
      `${GEMINI_KEY}\n`,
    );
    expect(created, created.stderr).toMatchObject({ code: 0 });
    expect(created.stdout).not.toContain(GEMINI_KEY);
    expect(created.stderr).not.toContain(GEMINI_KEY);
    const account = JSON.parse(created.stdout) as Account;
    expect(account).toMatchObject({
      type: 'gemini-api',
      platform: 'gemini',
      name: 'ai studio',
      baseUrl: 'https://generativelanguage.googleapis.com',
      authHeader: 'x-api-key',
    });
    expect(account.projectId).toBeUndefined();
    expect((await services.accounts.runtime(account.id))?.secrets.apiKey).toBe(GEMINI_KEY);

    // The same kind pointed at the fake, by --base-url, for a connection test that reaches it.
    const [onFake, keyless] = await Promise.all([
      runCli(
        // biome-ignore format: one option per line pair
        [
          'accounts', 'create', '--type', 'gemini-api', '--name', 'fake studio', '--base-url', upstream.url,
          '--api-key', '-', '--json',
        ],
        env,
        `${GEMINI_KEY}\n`,
      ),
      runCli(['accounts', 'create', '--type', 'gemini-api', '--name', 'n'], env),
    ]);
    expect(onFake, onFake.stderr).toMatchObject({ code: 0 });
    expect(onFake.stdout).not.toContain(GEMINI_KEY);
    const tested = JSON.parse(onFake.stdout) as Account;
    expect(tested).toMatchObject({ type: 'gemini-api', platform: 'gemini', baseUrl: upstream.url });
    expect(keyless).toMatchObject({ code: 2, stdout: '' });
    expect(keyless.stderr).toContain('error: --api-key is required for gemini-api accounts');

    const test = await runCli(['accounts', 'test', tested.id, '--json'], env);
    expect(test, test.stderr).toMatchObject({ code: 0 });
    const result = JSON.parse(test.stdout) as ConnectionTestResult;
    expect(result).toMatchObject({ accountId: tested.id, ok: true });
    expect(result.model).toMatch(/^gemini-/);
    expect(`${test.stdout}${test.stderr}`).not.toContain(GEMINI_KEY);
    expect(upstream.requests).toHaveLength(1);
    const [sent] = upstream.requests;
    expect(sent).toMatchObject({
      method: 'POST',
      path: `/v1beta/models/${result.model}:generateContent`,
      completed: true,
    });
    expect(sent?.headers['x-goog-api-key']).toBe(GEMINI_KEY);
    expect(sent?.headers.authorization).toBeUndefined();
    expect(sent?.query.has('key')).toBe(false);

    const trail = await auditTrail();
    expect(trail.map((entry) => entry.actor)).toEqual(trail.map(() => ACTOR));
    const done = (target: string) =>
      trail.filter((entry) => entry.target === target).map((entry) => entry.action);
    expect(done(account.id)).toEqual(['account.create']);
    expect(done(tested.id)).toEqual(['account.create', 'account.test']);
    expect(trail).toHaveLength(3);
    expect(JSON.stringify(trail)).not.toContain(GEMINI_KEY);
  });

  it('adds a gemini-oauth account by signing in to Google, with its Code Assist project', async () => {
    const [started, refused] = await Promise.all([
      runCli(['accounts', 'oauth-start', '--type', 'gemini-oauth'], env),
      runCli(['accounts', 'create', '--type', 'gemini-oauth', '--name', 'direct'], env),
    ]);
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toContain(
      'error: gemini-oauth accounts are added by signing in: run "accounts oauth-start" with --type gemini-oauth, then "accounts oauth-finish"',
    );

    expect(started, started.stderr).toMatchObject({ code: 0 });
    expect(started.stdout).toContain('the authorization code the page shows after signing in');
    const authorizationUrl = /^ {2}(\S+\/o\/oauth2\/v2\/auth\?\S+)$/m.exec(started.stdout)?.[1] ?? '';
    const sessionId = /^session:\s+(\S+)$/m.exec(started.stdout)?.[1] ?? '';
    expect(sessionId).not.toBe('');
    expect(started.stdout).toContain(`accounts oauth-finish --session ${sessionId} --code -`);
    const url = new URL(authorizationUrl);
    expect(`${url.origin}${url.pathname}`).toBe(google.authorizeUrl);
    const query = url.searchParams;
    expect({
      client_id: query.get('client_id'),
      redirect_uri: query.get('redirect_uri'),
      response_type: query.get('response_type'),
      access_type: query.get('access_type'),
      code_challenge_method: query.get('code_challenge_method'),
    }).toEqual({
      client_id: FAKE_GOOGLE_CLIENT_ID,
      redirect_uri: GOOGLE_MANUAL_REDIRECT_URI,
      response_type: 'code',
      access_type: 'offline',
      code_challenge_method: 'S256',
    });
    expect(query.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(query.get('state')).toBeTruthy();
    expect(query.get('scope')?.split(' ')).toContain('https://www.googleapis.com/auth/cloud-platform');

    const code = google.authorize(authorizationUrl);
    const finished = await runCli(
      // biome-ignore format: one option per line pair
      [
        'accounts', 'oauth-finish', '--session', sessionId, '--code', '-', '--name', 'gemini team',
        '--base-url', upstream.url, '--project-id', PROJECT, '--json',
      ],
      env,
      `${code}\n`,
    );
    expect(finished, finished.stderr).toMatchObject({ code: 0 });
    const account = JSON.parse(finished.stdout) as Account;
    expect(account).toMatchObject({
      type: 'gemini-oauth',
      platform: 'gemini',
      name: 'gemini team',
      baseUrl: upstream.url,
      authHeader: 'bearer',
      projectId: PROJECT,
    });
    const secrets = (await services.accounts.runtime(account.id))?.secrets;
    expect(secrets).toMatchObject({
      accessToken: google.lastAccessToken,
      refreshToken: google.lastRefreshToken,
      expiresAt: expect.any(Number),
    });
    for (const secret of [secrets?.accessToken, secrets?.refreshToken, code]) {
      expect(secret).toBeTruthy();
      for (const output of [started.stdout, started.stderr, finished.stdout, finished.stderr]) {
        expect(output).not.toContain(secret);
      }
    }

    // The configured project is used as it is: the test goes straight to generateContent, naming it.
    const test = await runCli(['accounts', 'test', account.id, '--json'], env);
    expect(test, test.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse(test.stdout)).toMatchObject({ accountId: account.id, ok: true });
    expect(upstream.codeAssist.calls.loadCodeAssist).toBe(0);
    const generate = upstream.requests.filter((request) => request.path === '/v1internal:generateContent');
    expect(generate).toHaveLength(1);
    expect(generate[0]?.headers.authorization).toBe(`Bearer ${secrets?.accessToken}`);
    expect(generate[0]?.json).toMatchObject({ project: PROJECT });
    for (const secret of [secrets?.accessToken, secrets?.refreshToken]) {
      expect(`${test.stdout}${test.stderr}`).not.toContain(secret);
    }

    const trail = await auditTrail();
    expect(trail.map((entry) => entry.actor)).toEqual(trail.map(() => ACTOR));
    expect(trail.map((entry) => [entry.action, entry.target])).toEqual([
      ['account.oauth_start', sessionId],
      ['account.oauth_exchange', account.id],
      ['account.test', account.id],
    ]);
    expect(trail[0]?.detail).toMatchObject({ sessionId, type: 'gemini-oauth' });
    expect(trail[1]?.after).toMatchObject({ type: 'gemini-oauth', projectId: PROJECT });
    const recorded = JSON.stringify(trail);
    for (const secret of [secrets?.accessToken, secrets?.refreshToken, code]) {
      expect(recorded).not.toContain(secret);
    }
    expect(recorded).not.toContain('sealedSecrets');
  });
});

const FIELDS = 'id type platform baseUrl authHeader projectId';
const CREATE = `mutation ($input: CreateAccountInput!) { createAccount(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { ${FIELDS} } }`;
const START = 'mutation { startAccountOAuth(type: gemini_oauth) { sessionId type authorizationUrl } }';
const EXCHANGE = `mutation ($sessionId: String!, $code: String!, $account: OAuthAccountInput) {
  exchangeAccountOAuth(sessionId: $sessionId, code: $code, account: $account) { ${FIELDS} }
}`;

describe('Gemini account settings over GraphQL and tRPC', () => {
  let google: FakeGoogleOAuth;
  let relay: TestRelay;
  let token: string;
  let trpc: RelayTrpcClient;

  beforeAll(async () => {
    google = await startFakeGoogleOAuth();
    relay = await startTestRelay({ env: google.env() });
    token = await signIn(relay, 'admin', ADMIN_PASSWORD);
    trpc = createRelayTrpcClient(relay.url, () => ({ authorization: `Bearer ${token}` }));
  });
  afterAll(async () => {
    await relay.stop();
    await google.close();
  });

  /** A gemini-oauth account signed in over GraphQL, `account` as the exchange's settings. */
  async function signInOverGraphql(account: Record<string, unknown>) {
    const started = dataOf<{ sessionId: string; type: string; authorizationUrl: string }>(
      await graphql(relay, { token }, START),
      'startAccountOAuth',
    );
    expect(started.type).toBe('gemini_oauth');
    const code = google.authorize(started.authorizationUrl);
    return dataOf<{ id: string; projectId: string | null }>(
      await graphql(relay, { token }, EXCHANGE, { sessionId: started.sessionId, code, account }),
      'exchangeAccountOAuth',
    );
  }

  it('creates a gemini-api account, and signs in and updates a gemini-oauth one, over GraphQL', async () => {
    const created = await graphql(relay, { token }, CREATE, {
      input: { type: 'gemini_api', name: 'ai studio', credentials: { apiKey: 'AIza-graphql-key' } },
    });
    const apiAccount = dataOf<{ id: string }>(created, 'createAccount');
    expect(apiAccount).toEqual({
      id: apiAccount.id,
      type: 'gemini_api',
      platform: 'gemini',
      baseUrl: 'https://generativelanguage.googleapis.com',
      authHeader: 'x-api-key',
      projectId: null,
    });

    const oauthAccount = await signInOverGraphql({ name: 'workspace', projectId: PROJECT });
    expect(oauthAccount).toEqual({
      id: oauthAccount.id,
      type: 'gemini_oauth',
      platform: 'gemini',
      baseUrl: 'https://cloudcode-pa.googleapis.com',
      authHeader: 'bearer',
      projectId: PROJECT,
    });
    const unset = await signInOverGraphql({ name: 'free tier' });
    expect(unset.projectId).toBeNull();

    const updated = await graphql(relay, { token }, UPDATE, {
      id: unset.id,
      input: { projectId: 'other-project-7' },
    });
    expect(dataOf(updated, 'updateAccount')).toMatchObject({
      type: 'gemini_oauth',
      projectId: 'other-project-7',
    });

    const [bad, badOnCreate] = await Promise.all([
      graphql(relay, { token }, UPDATE, { id: unset.id, input: { projectId: 'Bad_Project' } }),
      graphql(relay, { token }, CREATE, {
        input: { type: 'gemini_api', name: 'x', projectId: 'Bad_Project', credentials: { apiKey: 'k' } },
      }),
    ]);
    for (const response of [bad, badOnCreate]) {
      expect(errorOf(response)?.message).toContain(`projectId: ${PROJECT_ERROR}`);
      expect(errorOf(response)?.extensions).toMatchObject({ code: 'INVALID_REQUEST', field: 'projectId' });
    }
    const read = await relay.server.services.accounts.get(unset.id);
    expect(read?.projectId).toBe('other-project-7');
  });

  it('updates a gemini-oauth account’s projectId over tRPC, refusing a bad one', async () => {
    const account = await signInOverGraphql({ name: 'over trpc' });
    const updated = await trpc.accounts.update.mutate({ id: account.id, projectId: 'trpc-project-9' });
    expect(updated).toMatchObject({ type: 'gemini-oauth', platform: 'gemini', projectId: 'trpc-project-9' });
    const refused = await refusal(trpc.accounts.update.mutate({ id: account.id, projectId: 'Bad_Project' }));
    expect(refused).toMatchObject({ code: 'BAD_REQUEST', field: 'projectId' });
    expect(refused.message).toContain(PROJECT_ERROR);
    expect((await trpc.accounts.get.query({ id: account.id })).projectId).toBe('trpc-project-9');
  });
});
