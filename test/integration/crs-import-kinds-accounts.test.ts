// Imports the CRS of every kind (test/support/crs-every-kind.ts: one account of every kind the importer knows,
// groups with members, users owning keys). Then checks the report's totals and, kind by kind, what each account
// became here, and what the groups and users became.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/services/container.js';
import type { ImportReport } from '../../src/services/migration/import-report.js';
import {
  CLAUDE_EXPIRES_AT,
  CREATED,
  DROID_EXPIRES_AT,
  type EveryKindCrs,
  GEMINI_EXPIRES_AT,
  importCrs,
  item,
  OPENAI_EXPIRES_IN_SECONDS,
  ours,
  runtimeOf,
  writeEveryKindCrs,
} from '../support/crs-every-kind.js';
import { type CrsRedis, startCrsRedis } from '../support/crs-source.js';
import { createTestServices } from '../support/services.js';

let crs: CrsRedis;
let services: Services;
let report: ImportReport;
let acc: EveryKindCrs['acc'];
let grp: EveryKindCrs['grp'];
let usr: EveryKindCrs['usr'];

beforeAll(async () => {
  crs = await startCrsRedis();
  ({ acc, grp, usr } = await writeEveryKindCrs(crs.redis));
  services = await createTestServices();
  report = await importCrs(services, crs);
});

afterAll(async () => {
  await services?.stop();
  await crs?.destroy();
});

describe('importing one CRS record of every kind', () => {
  it('imports every account, group, user and key, and warns of nothing', () => {
    expect(report.warnings).toEqual([]);
    expect(report.totals.account).toEqual({ imported: 14, unchanged: 0, skipped: 0 });
    expect(report.totals.group).toEqual({ imported: 4, unchanged: 0, skipped: 0 });
    expect(report.totals.user).toEqual({ imported: 3, unchanged: 0, skipped: 1 });
    expect(report.totals['api-key']).toEqual({ imported: 7, unchanged: 0, skipped: 0 });
    const kinds = report.items
      .filter((entry) => entry.entity === 'account')
      .map((entry) => entry.kind)
      .sort();
    expect(kinds).toEqual([
      'azure-openai',
      'azure-openai',
      'bedrock',
      'bedrock',
      'ccr',
      'claude',
      'claude',
      'claude-console',
      'droid',
      'droid',
      'gemini',
      'gemini-api',
      'openai',
      'openai-responses',
    ]);
  });

  it('claude OAuth: tokens from claudeAiOauth, expiry in ms, socks5 proxy with its password', async () => {
    const { account, secrets } = await runtimeOf(services, report, acc.claude);
    expect(account).toMatchObject({
      type: 'claude-oauth',
      platform: 'claude',
      name: 'claude-max',
      description: 'the Max plan',
      baseUrl: 'https://api.anthropic.com',
      authHeader: 'bearer',
      priority: 10,
      schedulable: true,
      dedicated: false,
      maxConcurrency: 0,
      modelMapping: {},
      supportedModels: [],
      state: { kind: 'active' },
    });
    expect(account.proxy).toEqual({
      protocol: 'socks5',
      host: '127.0.0.1',
      port: 1080,
      username: 'sockuser',
    });
    expect(secrets).toEqual({
      accessToken: 'sk-ant-oat01-fixture-access',
      refreshToken: 'sk-ant-ort01-fixture-refresh',
      expiresAt: CLAUDE_EXPIRES_AT,
      proxyPassword: 'sockpass',
    });
  });

  it('claude OAuth of a group, switched off and unschedulable: dedicated and disabled', async () => {
    const { account, secrets } = await runtimeOf(services, report, acc.claudeGroup);
    expect(account).toMatchObject({
      type: 'claude-oauth',
      name: 'claude-team',
      priority: 5,
      schedulable: false,
      dedicated: true,
      state: { kind: 'disabled', reason: 'disabled in Claude Relay Service' },
    });
    expect(account.proxy).toBeUndefined();
    expect(secrets).toEqual({
      accessToken: 'sk-ant-oat01-team-access',
      refreshToken: 'sk-ant-ort01-team-refresh',
      expiresAt: CLAUDE_EXPIRES_AT + 1000,
    });
    expect(item(report, 'account', acc.claudeGroup).notes).toEqual(
      expect.arrayContaining([
        'maxConcurrency (CRS’s per-account serial queue of user messages) has no equivalent; left out',
        'imported disabled: disabled in Claude Relay Service',
      ]),
    );
  });

  it('claude-console: base URL, x-api-key, model mapping, http proxy, concurrency, dedicated', async () => {
    const { account, secrets } = await runtimeOf(services, report, acc.console);
    expect(account).toMatchObject({
      type: 'claude-console',
      platform: 'claude',
      name: 'console-dedicated',
      description: 'team console',
      baseUrl: 'http://127.0.0.1:9/anthropic',
      authHeader: 'x-api-key',
      priority: 20,
      schedulable: true,
      dedicated: true,
      maxConcurrency: 3,
      state: { kind: 'active' },
    });
    // A mapping also limits the account to the models it names; identity entries rename nothing.
    expect(account.modelMapping).toEqual({ 'claude-sonnet-4-20250514': 'claude-sonnet-4-5-20250929' });
    expect([...account.supportedModels].sort()).toEqual([
      'claude-3-5-haiku-20241022',
      'claude-sonnet-4-20250514',
    ]);
    expect(account.proxy).toEqual({ protocol: 'http', host: '127.0.0.1', port: 3128, username: 'httpuser' });
    expect(secrets).toEqual({ apiKey: 'sk-ant-api03-console-key', proxyPassword: 'httppass' });
    expect(item(report, 'account', acc.console).notes).toContain(
      'custom userAgent not imported: the client’s own User-Agent is sent upstream',
    );
  });

  it('ccr: a bearer key, its model list, not schedulable', async () => {
    const { account, secrets } = await runtimeOf(services, report, acc.ccr);
    expect(account).toMatchObject({
      type: 'ccr',
      platform: 'claude',
      name: 'ccr-bearer',
      baseUrl: 'http://127.0.0.1:9/ccr',
      authHeader: 'bearer',
      priority: 30,
      schedulable: false,
      dedicated: false,
      maxConcurrency: 0,
      modelMapping: {},
      supportedModels: ['claude-sonnet-4-20250514'],
      state: { kind: 'active' },
    });
    expect(secrets).toEqual({ apiKey: 'ccr-secret-token' });
    expect(item(report, 'account', acc.ccr).notes).toContain(
      'CRS served this CCR account only for models asked as "ccr,<model>"; here it joins the Claude pool',
    );
  });

  it('bedrock with AWS credentials: region, endpoint, the key pair and session token', async () => {
    const { account, secrets } = await runtimeOf(services, report, acc.bedrockAws);
    expect(account).toMatchObject({
      type: 'bedrock',
      platform: 'claude',
      name: 'bedrock-aws',
      region: 'eu-west-1',
      baseUrl: 'https://bedrock-runtime.eu-west-1.amazonaws.com',
      priority: 40,
      schedulable: true,
      dedicated: false,
      state: { kind: 'active' },
    });
    expect(secrets).toEqual({
      awsAccessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      awsSecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      awsSessionToken: 'FwoGZXIvYXdzEXAMPLESESSION',
    });
    expect(item(report, 'account', acc.bedrockAws).notes.join('\n')).toMatch(
      /defaultModel us\.anthropic\.claude-sonnet-4-20250514-v1:0 not imported/,
    );
  });

  it('bedrock with a bearer token: the Bedrock API key alone', async () => {
    const { account, secrets } = await runtimeOf(services, report, acc.bedrockBearer);
    expect(account).toMatchObject({
      type: 'bedrock',
      name: 'bedrock-key',
      region: 'us-east-1',
      baseUrl: 'https://bedrock-runtime.us-east-1.amazonaws.com',
      priority: 60,
      schedulable: false,
      dedicated: true,
      state: { kind: 'active' },
    });
    expect(secrets).toEqual({ apiKey: 'ABSKQmVkcm9ja0FQSUtleS1leGFtcGxl' });
  });

  it('gemini OAuth (Gemini CLI): tokens, ISO expiry in ms, project, models, proxy without auth', async () => {
    const { account, secrets } = await runtimeOf(services, report, acc.gemini);
    expect(account).toMatchObject({
      type: 'gemini-oauth',
      platform: 'gemini',
      name: 'gemini-cli',
      baseUrl: 'https://cloudcode-pa.googleapis.com',
      projectId: 'my-project-123',
      supportedModels: ['gemini-2.5-pro', 'gemini-2.5-flash'],
      priority: 15,
      schedulable: true,
      dedicated: false,
      state: { kind: 'active' },
    });
    expect(account.proxy).toEqual({ protocol: 'socks5', host: '127.0.0.1', port: 1081 });
    expect(secrets).toEqual({
      accessToken: 'ya29.fixture-access',
      refreshToken: '1//fixture-refresh',
      expiresAt: GEMINI_EXPIRES_AT,
    });
  });

  it('gemini-api: the AI Studio key, default base URL, its model list, not schedulable', async () => {
    const { account, secrets } = await runtimeOf(services, report, acc.geminiApi);
    expect(account).toMatchObject({
      type: 'gemini-api',
      platform: 'gemini',
      name: 'ai-studio',
      baseUrl: 'https://generativelanguage.googleapis.com',
      supportedModels: ['gemini-2.5-flash'],
      priority: 25,
      schedulable: false,
      state: { kind: 'active' },
    });
    expect(secrets).toEqual({ apiKey: 'AIzaSyFixtureStudioKey' });
  });

  it('openai OAuth: tokens, expiry from expires_in, the ChatGPT account id from accountInfo', async () => {
    const { account, secrets } = await runtimeOf(services, report, acc.openai);
    expect(account).toMatchObject({
      type: 'openai-oauth',
      platform: 'openai',
      name: 'chatgpt-pro',
      baseUrl: 'https://chatgpt.com/backend-api/codex',
      priority: 7,
      schedulable: true,
      dedicated: false,
      state: { kind: 'active' },
    });
    expect(secrets).toEqual({
      accessToken: 'eyJ-openai-access',
      refreshToken: 'rt-openai-refresh',
      expiresAt: CREATED.getTime() + OPENAI_EXPIRES_IN_SECONDS * 1000,
      chatgptAccountId: 'acc-chatgpt-0001',
    });
  });

  it('openai-responses: an OpenAI API account whose base ends where /responses is appended', async () => {
    const { account, secrets } = await runtimeOf(services, report, acc.responses);
    expect(account).toMatchObject({
      type: 'openai-api',
      platform: 'openai',
      name: 'responses-api',
      baseUrl: 'http://127.0.0.1:9/openai/v1',
      priority: 35,
      schedulable: true,
      dedicated: true,
      state: { kind: 'active' },
    });
    expect(secrets).toEqual({ apiKey: 'sk-proj-responses-key' });
  });

  it('azure-openai: endpoint, api-version, every model to its one deployment, priority inverted', async () => {
    const east = await runtimeOf(services, report, acc.azureEast);
    expect(east.account).toMatchObject({
      type: 'azure-openai',
      platform: 'azure',
      name: 'azure-east',
      baseUrl: 'http://127.0.0.1:9',
      apiVersion: '2024-10-21',
      deployments: { 'gpt-4o': 'gpt4o-prod', 'gpt-4o-mini': 'gpt4o-prod' },
      supportedModels: ['gpt-4o', 'gpt-4o-mini'],
      // CRS's Azure pool prefers the larger number: 80 there comes before 20, so 21 here before 81.
      priority: 21,
      schedulable: true,
      state: { kind: 'active' },
    });
    expect(east.account.proxy).toEqual({
      protocol: 'https',
      host: '127.0.0.1',
      port: 8443,
      username: 'azproxy',
    });
    expect(east.secrets).toEqual({ apiKey: 'azure-east-resource-key', proxyPassword: 'azpass' });

    const west = await runtimeOf(services, report, acc.azureWest);
    expect(west.account).toMatchObject({
      type: 'azure-openai',
      name: 'azure-west',
      baseUrl: 'http://127.0.0.1:9',
      apiVersion: '2024-02-01',
      deployments: {
        'gpt-4': 'gpt-4',
        'gpt-4-turbo': 'gpt-4',
        'gpt-35-turbo': 'gpt-4',
        'gpt-35-turbo-16k': 'gpt-4',
      },
      supportedModels: ['gpt-4', 'gpt-4-turbo', 'gpt-35-turbo', 'gpt-35-turbo-16k'],
      priority: 81,
      schedulable: false,
      state: { kind: 'disabled', reason: 'disabled in Claude Relay Service' },
    });
    expect(west.account.priority).toBeGreaterThan(east.account.priority);
    expect(west.secrets).toEqual({ apiKey: 'azure-west-resource-key' });
  });

  it('droid with Factory API keys: the first key, serving the whole pool', async () => {
    const { account, secrets } = await runtimeOf(services, report, acc.droidKeys);
    expect(account).toMatchObject({
      type: 'droid',
      platform: 'droid',
      name: 'factory-keys',
      baseUrl: 'https://api.factory.ai/api/llm',
      authHeader: 'bearer',
      priority: 45,
      schedulable: true,
      // CRS's Droid pool ignores accountType.
      dedicated: false,
      state: { kind: 'active' },
    });
    expect(secrets).toEqual({ apiKey: 'fk-first-key' });
    expect(item(report, 'account', acc.droidKeys).notes).toContain(
      '2 Factory API keys in CRS; the first active one was imported',
    );
  });

  it('droid with WorkOS tokens: both tokens and the ISO expiry in ms', async () => {
    const { account, secrets } = await runtimeOf(services, report, acc.droidWorkos);
    expect(account).toMatchObject({
      type: 'droid',
      name: 'factory-workos',
      priority: 55,
      schedulable: true,
      dedicated: false,
      state: { kind: 'active' },
    });
    expect(secrets).toEqual({
      accessToken: 'workos-access-token',
      refreshToken: 'workos-refresh-token',
      expiresAt: Date.parse(DROID_EXPIRES_AT),
    });
    expect(item(report, 'account', acc.droidWorkos).notes).toContain(
      'endpointType openai: here a Droid account serves each request on the endpoint of its format',
    );
  });

  it('groups keep their platform and their members, as our account ids', async () => {
    const claude = await services.groups.require(ours(report, 'group', grp.claude));
    expect(claude).toMatchObject({ name: 'claude-team-pool', platform: 'claude' });
    expect([...claude.memberIds].sort()).toEqual(
      [ours(report, 'account', acc.claudeGroup), ours(report, 'account', acc.console)].sort(),
    );
    const openai = await services.groups.require(ours(report, 'group', grp.openai));
    expect(openai).toMatchObject({ name: 'openai-pool', platform: 'openai', description: 'codex seats' });
    expect([...openai.memberIds].sort()).toEqual(
      [ours(report, 'account', acc.openai), ours(report, 'account', acc.responses)].sort(),
    );
    const gemini = await services.groups.require(ours(report, 'group', grp.gemini));
    expect(gemini.platform).toBe('gemini');
    expect([...gemini.memberIds].sort()).toEqual(
      [ours(report, 'account', acc.gemini), ours(report, 'account', acc.geminiApi)].sort(),
    );
    const droid = await services.groups.require(ours(report, 'group', grp.droid));
    expect(droid).toMatchObject({ platform: 'droid', memberIds: [ours(report, 'account', acc.droidWorkos)] });
    for (const group of [grp.claude, grp.openai, grp.gemini, grp.droid]) {
      expect(item(report, 'group', group).notes).toEqual([]);
    }
  });

  it('users become members (an admin too), a disabled one disabled, a deleted one not at all', async () => {
    expect(await services.users.get(ours(report, 'user', usr.alice))).toMatchObject({
      username: 'alice',
      role: 'member',
      disabled: false,
    });
    expect(await services.users.get(ours(report, 'user', usr.bob))).toMatchObject({
      username: 'bob',
      role: 'member',
      disabled: true,
    });
    expect(await services.users.get(ours(report, 'user', usr.carol))).toMatchObject({
      username: 'carol',
      role: 'member',
      disabled: false,
    });
    expect(item(report, 'user', usr.carol).notes).toContain('an admin in CRS; imported as a member');
    expect(item(report, 'user', usr.dave)).toMatchObject({ outcome: 'skipped', reason: 'deleted in CRS' });
    expect(await services.users.findByUsername('dave')).toBeUndefined();
  });
});
