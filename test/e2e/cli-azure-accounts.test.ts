// The admin CLI adds azure-openai accounts: resource endpoint, key from stdin, api-version, model mapping and
// deployments; refuses Azure options on other kinds; and tests an account against a fake Azure resource.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../src/services/accounts/account-types.js';
import type { Services } from '../../src/services/container.js';
import { type CliEnv, type CliFixture, type CliResult, createCliFixture, runCli } from '../support/cli.js';
import { FAKE_AZURE_KEY, type FakeAzure, startFakeAzure } from '../support/fake-azure.js';

function expectUsage(result: CliResult, message: string): void {
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 2, stdout: '' });
  expect(result.stderr).toContain(`error: ${message}`);
}

// Every CLI run compiles the CLI with tsx: seconds each on a loaded machine.
describe('admin CLI: azure-openai accounts', { timeout: 90_000 }, () => {
  let fake: FakeAzure;
  let fixture: CliFixture;
  let env: CliEnv;
  let services: Services;

  beforeAll(async () => {
    fake = await startFakeAzure({ deployments: { 'my-deployment': 'gpt-4o-2024-11-20' } });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(async () => {
    fixture = await createCliFixture();
    env = fixture.env;
    services = await fixture.servicesLikeCli();
    fake.reset();
  });
  afterEach(async () => {
    await fixture.cleanup();
  });

  it('creates an azure-openai account with its api-version, mapping and deployments, the key from stdin', async () => {
    // biome-ignore format: one option per line pair
    const created = await runCli(
      [
        'accounts', 'create', '--type', 'azure-openai', '--name', 'contoso',
        '--base-url', 'https://x.openai.azure.com', '--api-key', '-', '--api-version', '2024-10-21',
        '--map', 'gpt-4o=my-deployment', '--deployment', 'gpt-4.1=prod-41', '--json',
      ],
      env,
      'azure-cli-SECRET\n',
    );
    expect(created.code).toBe(0);
    expect(created.stdout).not.toContain('azure-cli-SECRET');
    const account = JSON.parse(created.stdout) as Account;
    expect(account).toMatchObject({
      type: 'azure-openai',
      platform: 'azure',
      baseUrl: 'https://x.openai.azure.com',
      authHeader: 'x-api-key',
      apiVersion: '2024-10-21',
      modelMapping: { 'gpt-4o': 'my-deployment' },
      deployments: { 'gpt-4.1': 'prod-41' },
    });
    expect((await services.accounts.runtime(account.id))?.secrets.apiKey).toBe('azure-cli-SECRET');

    const shown = await runCli(['accounts', 'show', account.id], env);
    expect(shown.stdout).toMatch(/api version:\s+2024-10-21/);
    expect(shown.stdout).toMatch(/deployments:\s+\{"gpt-4.1":"prod-41"\}/);

    const azureArgs = ['accounts', 'create', '--type', 'azure-openai', '--name', 'a', '--api-key', 'k'];
    const [noEndpoint, badVersion, notAzure, badDeployment] = await Promise.all([
      runCli(azureArgs, env),
      runCli([...azureArgs, '--base-url', 'https://x.openai.azure.com', '--api-version', '2024-10'], env),
      runCli(
        [
          'accounts',
          'create',
          '--type',
          'openai-api',
          '--name',
          'o',
          '--api-key',
          'k',
          '--api-version',
          'v1',
        ],
        env,
      ),
      runCli([...azureArgs, '--base-url', 'https://x.openai.azure.com', '--deployment', 'gpt-4o'], env),
    ]);
    expect(noEndpoint.code).toBe(1);
    expect(noEndpoint.stderr).toContain('error: baseUrl: is required for azure-openai accounts');
    expect(badVersion.code).toBe(1);
    expect(badVersion.stderr).toContain('error: apiVersion: must be an Azure OpenAI api-version');
    expectUsage(notAzure, '--api-version is only for azure-openai accounts');
    expectUsage(badDeployment, '--deployment must look like from=to');
    expect((await services.accounts.list()).items).toHaveLength(1);
  });

  it('tests an azure-openai account: its first deployment, on the resource, with its key', async () => {
    // biome-ignore format: one option per line pair
    const created = await runCli(
      [
        'accounts', 'create', '--type', 'azure-openai', '--name', 'fake', '--base-url', fake.url,
        '--api-key', FAKE_AZURE_KEY, '--api-version', '2024-10-21', '--deployment', 'gpt-4o=my-deployment',
      ],
      env,
    );
    expect(created.code).toBe(0);
    const id = /^Created account (\S+)$/m.exec(created.stdout)?.[1] ?? '';
    const tested = await runCli(['accounts', 'test', id], env);
    expect(tested.code).toBe(0);
    expect(tested.stdout).toContain(`Connection test of account ${id} (fake): ok`);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      path: '/openai/deployments/my-deployment/chat/completions',
      query: { 'api-version': '2024-10-21' },
    });
    expect(fake.requests[0]?.json?.model).toBe('gpt-4o');
    expect(fake.requests[0]?.headers['api-key']).toBe(FAKE_AZURE_KEY);
  });
});
