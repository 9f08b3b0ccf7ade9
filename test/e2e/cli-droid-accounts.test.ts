// Droid accounts through the control plane's callers. The admin CLI adds one from a Factory API key read on stdin
// (and tests it against the fake Factory gateway) and one from a Droid CLI sign-in's WorkOS tokens, refuses the
// option mixes that cannot work, lists them, never prints a secret and audits every change under its own actor.
// GraphQL and tRPC create droid accounts of both kinds and update them, refusing one without a credential.
import { userInfo } from 'node:os';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRelayTrpcClient, type RelayTrpcClient } from '../../clients/trpc.js';
import type { Account } from '../../src/services/accounts/account-types.js';
import type { ConnectionTestResult } from '../../src/services/accounts/connection-tests.js';
import type { Services } from '../../src/services/container.js';
import { type CliEnv, type CliFixture, createCliFixture, runCli } from '../support/cli.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { ADMIN_PASSWORD, dataOf, errorOf, graphql, signIn } from '../support/graphql.js';
import { startTestRelay, type TestRelay } from '../support/relay.js';
import { refusal } from '../support/trpc.js';

const ACTOR = `cli:${userInfo().username}`;
const FACTORY_KEY = 'fk-droid-cli-SECRET-0123456789abcdef';
const REFRESH_TOKEN = 'wos-refresh-SECRET-cli-0123456789';
const ACCESS_TOKEN = 'wos-access-SECRET-cli-0123456789';

// Every CLI run compiles the CLI with tsx: seconds each on a loaded machine.
describe('admin CLI: droid accounts', { timeout: 120_000 }, () => {
  let upstream: FakeUpstream;
  let fixture: CliFixture;
  let env: CliEnv;
  let services: Services;

  beforeAll(async () => {
    upstream = await startFakeUpstream({ apiKey: FACTORY_KEY });
  });
  afterAll(async () => {
    await upstream.close();
  });
  beforeEach(async () => {
    fixture = await createCliFixture();
    env = fixture.env;
    services = await fixture.servicesLikeCli();
    upstream.reset();
  });
  afterEach(async () => {
    await fixture.cleanup();
  });

  it('creates droid accounts from a Factory API key or a sign-in’s tokens, tests and lists them', async () => {
    const [created, signedIn] = await Promise.all([
      runCli(
        // biome-ignore format: one option per line pair
        [
          'accounts', 'create', '--type', 'droid', '--name', 'factory key', '--base-url', `${upstream.url}/api/llm`,
          '--api-key', '-', '--json',
        ],
        env,
        `${FACTORY_KEY}\n`,
      ),
      runCli(
        // biome-ignore format: one option per line pair
        [
          'accounts', 'create', '--type', 'droid', '--name', 'droid sign-in', '--refresh-token', '-',
          '--access-token', ACCESS_TOKEN, '--json',
        ],
        env,
        `${REFRESH_TOKEN}\n`,
      ),
    ]);
    for (const result of [created, signedIn]) {
      expect(result, result.stderr).toMatchObject({ code: 0 });
      for (const secret of [FACTORY_KEY, REFRESH_TOKEN, ACCESS_TOKEN]) {
        expect(`${result.stdout}${result.stderr}`).not.toContain(secret);
      }
    }
    const keyAccount = JSON.parse(created.stdout) as Account;
    expect(keyAccount).toMatchObject({
      type: 'droid',
      platform: 'droid',
      name: 'factory key',
      baseUrl: `${upstream.url}/api/llm`,
      authHeader: 'bearer',
    });
    expect((await services.accounts.runtime(keyAccount.id))?.secrets).toEqual({ apiKey: FACTORY_KEY });
    const signInAccount = JSON.parse(signedIn.stdout) as Account;
    expect(signInAccount).toMatchObject({ type: 'droid', baseUrl: 'https://api.factory.ai/api/llm' });
    expect((await services.accounts.runtime(signInAccount.id))?.secrets).toEqual({
      refreshToken: REFRESH_TOKEN,
      accessToken: ACCESS_TOKEN,
    });

    // The connection test speaks Anthropic to Factory's /a endpoint, as Droid does.
    const test = await runCli(['accounts', 'test', keyAccount.id, '--json'], env);
    expect(test, test.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse(test.stdout) as ConnectionTestResult).toMatchObject({
      accountId: keyAccount.id,
      ok: true,
      model: 'claude-haiku-4-5-20251001',
    });
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/llm/a/v1/messages',
      completed: true,
    });
    expect(upstream.requests[0]?.headers).toMatchObject({
      authorization: `Bearer ${FACTORY_KEY}`,
      'x-factory-client': 'cli',
      'x-api-provider': 'anthropic',
    });

    const listed = await runCli(['accounts', 'list', '--json'], env);
    expect(listed, listed.stderr).toMatchObject({ code: 0 });
    const items = (JSON.parse(listed.stdout) as { items: Account[] }).items;
    expect(items.map((account) => [account.name, account.type]).sort()).toEqual([
      ['droid sign-in', 'droid'],
      ['factory key', 'droid'],
    ]);
    expect(listed.stdout).not.toContain(FACTORY_KEY);

    const trail = (await services.audit.list({ limit: 100 })).items.slice().reverse();
    expect(trail.map((entry) => entry.actor)).toEqual(trail.map(() => ACTOR));
    expect(trail.map((entry) => entry.action).sort()).toEqual([
      'account.create',
      'account.create',
      'account.test',
    ]);
    for (const secret of [FACTORY_KEY, REFRESH_TOKEN, ACCESS_TOKEN]) {
      expect(JSON.stringify(trail)).not.toContain(secret);
    }
  });

  it('refuses droid option mixes that cannot work, naming the options', async () => {
    const create = (...options: string[]) =>
      runCli(['accounts', 'create', '--type', 'droid', '--name', 'n', ...options], env);
    const results = await Promise.all([
      create(),
      create('--api-key', 'fk-1', '--refresh-token', 'r'),
      create('--access-token', 'a'),
      create('--api-key', 'fk-1', '--auth-header', 'x-api-key'),
      runCli(['accounts', 'create', '--type', 'claude-console', '--name', 'n', '--refresh-token', 'r'], env),
    ]);
    const messages = [
      'droid accounts need --api-key (a Factory API key) or --refresh-token (a Droid CLI sign-in)',
      '--api-key and the sign-in tokens cannot be combined',
      '--access-token needs --refresh-token',
      '--auth-header is not used by droid accounts',
      '--refresh-token is only for droid accounts',
    ];
    results.forEach((result, index) => {
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toContain(`error: ${messages[index]}`);
    });
    expect((await services.accounts.list()).items).toEqual([]);
  });
});

const FIELDS = 'id type platform baseUrl authHeader name';
const CREATE = `mutation ($input: CreateAccountInput!) { createAccount(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { ${FIELDS} } }`;

describe('droid accounts over GraphQL and tRPC', () => {
  let relay: TestRelay;
  let token: string;
  let trpc: RelayTrpcClient;

  beforeAll(async () => {
    relay = await startTestRelay();
    token = await signIn(relay, 'admin', ADMIN_PASSWORD);
    trpc = createRelayTrpcClient(relay.url, () => ({ authorization: `Bearer ${token}` }));
  });
  afterAll(async () => {
    await relay.stop();
  });

  it('creates droid accounts of both kinds and updates one, over GraphQL', async () => {
    const keyed = dataOf<{ id: string }>(
      await graphql(relay, { token }, CREATE, {
        input: { type: 'droid', name: 'factory key', credentials: { apiKey: FACTORY_KEY } },
      }),
      'createAccount',
    );
    expect(keyed).toEqual({
      id: keyed.id,
      type: 'droid',
      platform: 'droid',
      baseUrl: 'https://api.factory.ai/api/llm',
      authHeader: 'bearer',
      name: 'factory key',
    });
    const signedIn = dataOf<{ id: string }>(
      await graphql(relay, { token }, CREATE, {
        input: { type: 'droid', name: 'sign-in', credentials: { refreshToken: REFRESH_TOKEN } },
      }),
      'createAccount',
    );
    const { accounts } = relay.server.services;
    expect((await accounts.runtime(signedIn.id))?.secrets).toEqual({ refreshToken: REFRESH_TOKEN });

    const updated = await graphql(relay, { token }, UPDATE, {
      id: signedIn.id,
      input: {
        name: 'eu sign-in',
        baseUrl: 'https://api.eu.factory.ai/api/llm',
        credentials: { refreshToken: 'r2' },
      },
    });
    expect(dataOf(updated, 'updateAccount')).toMatchObject({
      type: 'droid',
      name: 'eu sign-in',
      baseUrl: 'https://api.eu.factory.ai/api/llm',
    });
    expect((await accounts.runtime(signedIn.id))?.secrets).toEqual({ refreshToken: 'r2' });

    const refused = await graphql(relay, { token }, CREATE, {
      input: { type: 'droid', name: 'nothing', credentials: { accessToken: 'a' } },
    });
    expect(errorOf(refused)?.message).toContain('credentials.refreshToken: required for droid accounts');
    expect(errorOf(refused)?.extensions).toMatchObject({
      code: 'INVALID_REQUEST',
      field: 'credentials.refreshToken',
    });
  });

  it('creates and updates a droid account over tRPC, refusing one without a credential', async () => {
    const created = await trpc.accounts.create.mutate({
      type: 'droid',
      name: 'over trpc',
      credentials: { apiKey: FACTORY_KEY },
    });
    expect(created).toMatchObject({ type: 'droid', platform: 'droid', authHeader: 'bearer' });
    expect(JSON.stringify(created)).not.toContain(FACTORY_KEY);
    const updated = await trpc.accounts.update.mutate({ id: created.id, priority: 5, maxConcurrency: 2 });
    expect(updated).toMatchObject({ type: 'droid', priority: 5, maxConcurrency: 2 });
    expect((await trpc.accounts.get.query({ id: created.id })).priority).toBe(5);

    const refused = await refusal(
      trpc.accounts.create.mutate({ type: 'droid', name: 'empty', credentials: {} }),
    );
    expect(refused).toMatchObject({ code: 'BAD_REQUEST', field: 'credentials.apiKey' });
    expect(refused.message).toContain('required for droid accounts');
  });
});
