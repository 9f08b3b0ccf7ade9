// The admin CLI as a child process: keys, accounts and usage against the test Redis, exit codes for bad input.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../src/services/accounts/account-types.js';
import type { IssuedApiKey } from '../../src/services/api-keys/api-key-service.js';
import type { ApiKey } from '../../src/services/api-keys/api-key-types.js';
import type { SettleInput } from '../../src/services/usage/usage-settler.js';
import { type CliEnv, type CliFixture, createCliFixture, runCli, runCliJson } from '../support/cli.js';
import type { TestRedis } from '../support/redis.js';

describe('admin CLI', () => {
  let fixture: CliFixture;
  let t: TestRedis;
  let env: CliEnv;

  beforeEach(async () => {
    fixture = await createCliFixture();
    ({ t, env } = fixture);
  });
  afterEach(() => fixture.cleanup());

  const servicesLikeCli = () => fixture.servicesLikeCli();

  it('creates, lists, shows, disables and rotates API keys', async () => {
    const first = await runCliJson<IssuedApiKey>(['keys', 'create', '--name', 'ci key', '--tag', 'ci'], env);
    expect(first.plaintext).toMatch(/^cr_/);
    expect(first.key).toMatchObject({ name: 'ci key', tags: ['ci'], enabled: true });
    expect(first.key).not.toHaveProperty('hash');

    const second = await runCli(['keys', 'create', '--name', 'other'], env);
    expect(second.code).toBe(0);
    const secondPlaintext = /^\s+(cr_\S+)$/m.exec(second.stdout)?.[1] ?? '';
    expect(secondPlaintext).toMatch(/^cr_/);
    expect(second.stdout).toContain('only time');

    const page = await runCliJson<{ items: ApiKey[]; nextCursor: string | null }>(
      ['keys', 'list', '--limit', '1'],
      env,
    );
    expect(page.items.map((key) => key.name)).toEqual(['other']);
    expect(page.nextCursor).toEqual(expect.any(String));
    const rest = await runCli(['keys', 'list', '--cursor', page.nextCursor ?? ''], env);
    expect(rest.code).toBe(0);
    expect(rest.stdout).toContain(first.key.id);
    expect(rest.stdout).toContain('ci key');
    expect(rest.stdout).not.toContain('other');

    const shown = await runCliJson<ApiKey>(['keys', 'show', first.key.id], env);
    expect(shown).toMatchObject({ id: first.key.id, name: 'ci key', hint: first.key.hint });

    const disabled = await runCli(['keys', 'disable', first.key.id], env);
    expect(disabled).toMatchObject({ code: 0, stdout: expect.stringContaining('Disabled') });
    const services = await servicesLikeCli();
    expect((await services.apiKeys.get(first.key.id))?.enabled).toBe(false);

    const rotated = await runCliJson<IssuedApiKey>(['keys', 'rotate', first.key.id], env);
    expect(rotated.key.id).toBe(first.key.id);
    expect(rotated.plaintext).not.toBe(first.plaintext);
    expect(rotated.key.hint).toBe(`cr_…${rotated.plaintext.slice(-4)}`);
    await expect(services.apiKeys.authenticate(first.plaintext)).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    expect((await services.apiKeys.authenticate(rotated.plaintext)).id).toBe(first.key.id);
    expect((await services.apiKeys.authenticate(secondPlaintext)).name).toBe('other');
  });

  it('creates accounts with mapping and proxy, keeping the credentials sealed and unprinted', async () => {
    const apiKey = 'sk-ant-cli-SECRET-4242';
    const proxyPassword = 'proxy-SECRET-pw';
    const created = await runCli(
      // biome-ignore format: one option per line
      [
        'accounts', 'create', '--type', 'claude-console', '--name', 'upstream one',
        '--api-key', apiKey,
        '--base-url', 'https://upstream.example.com/',
        '--priority', '5', '--max-concurrency', '3', '--auth-header', 'bearer',
        '--map', 'claude-fast=claude-haiku-4-5', '--map', 'claude-smart=claude-opus-4-1',
        '--proxy', 'socks5://bob@127.0.0.1:1080', '--proxy-password', proxyPassword,
        '--json',
      ],
      env,
    );
    expect(created.code).toBe(0);
    for (const output of [created.stdout, created.stderr]) {
      expect(output).not.toContain(apiKey);
      expect(output).not.toContain(proxyPassword);
    }
    const account = JSON.parse(created.stdout) as Account;
    expect(account).toMatchObject({
      name: 'upstream one',
      baseUrl: 'https://upstream.example.com',
      priority: 5,
      maxConcurrency: 3,
      authHeader: 'bearer',
      modelMapping: { 'claude-fast': 'claude-haiku-4-5', 'claude-smart': 'claude-opus-4-1' },
      proxy: { protocol: 'socks5', host: '127.0.0.1', port: 1080, username: 'bob' },
      state: { kind: 'active' },
    });
    expect(account).not.toHaveProperty('sealedSecrets');

    const raw = (await t.redis.get(t.keys.account(account.id))) ?? '';
    expect(raw).toContain('sealedSecrets');
    expect(raw).not.toContain(apiKey);
    expect(raw).not.toContain(proxyPassword);
    // The CLI sealed with the DATA_DIR secrets, so a server on the same DATA_DIR can open them.
    const services = await servicesLikeCli();
    expect((await services.accounts.runtime(account.id))?.secrets).toEqual({ apiKey, proxyPassword });

    const [listed, disabled, noBaseUrl] = await Promise.all([
      runCli(['accounts', 'list'], env),
      runCliJson<Account>(['accounts', 'disable', account.id, '--reason', 'upstream 401s'], env),
      runCli(['accounts', 'create', '--type', 'ccr', '--name', 'ccr', '--api-key', 'k'], env),
    ]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(account.id);
    expect(listed.stdout).toContain('upstream one');
    expect(disabled.state).toMatchObject({ kind: 'disabled', reason: 'upstream 401s' });
    expect(noBaseUrl.code).toBe(1);
    expect(noBaseUrl.stderr).toContain('error: baseUrl: is required for ccr accounts');
  });

  it('reports usage of a key from the rollups, with cost in USD', async () => {
    const services = await servicesLikeCli();
    const { key } = await services.apiKeys.create({ name: 'metered' });
    const at = Date.now();
    const day = new Date(at).toISOString().slice(0, 10);
    const settle = (requestId: string, model: string, input: number, output: number): SettleInput => ({
      requestId,
      ticket: undefined,
      keyId: key.id,
      platform: 'claude',
      model,
      upstreamModel: model,
      lease: undefined,
      usage: { input, output, cacheRead: 100, cacheWrite5m: 0, cacheWrite1h: 0 },
      outcome: 'ok',
      estimated: false,
      status: 200,
      stream: false,
      at,
      latencyMs: 120,
      ttftMs: undefined,
      errorCode: undefined,
      errorMessage: undefined,
      userId: undefined,
      clientFormat: 'anthropic',
      upstreamFormat: 'anthropic',
      clientKind: undefined,
      attempts: 1,
    });
    await services.settler.settle(settle('req-cli-1', 'claude-sonnet-4-5', 1000, 500));
    await services.settler.settle(settle('req-cli-2', 'claude-sonnet-4-5', 2000, 100));
    await services.settler.settle(settle('req-cli-3', 'claude-haiku-4-5', 300, 30));
    expect(await services.rollups.drain()).toBe(3);
    const expected = await services.usage.summary('key', key.id, day, day);
    expect(expected.totals.costMicros).toBeGreaterThan(0);

    const range = ['--from', day, '--to', day];
    const [json, text] = await Promise.all([
      runCliJson<{ totals: Record<string, unknown>; byModel: Array<Record<string, unknown>> }>(
        ['usage', 'key', key.id, ...range],
        env,
      ),
      runCli(['usage', 'key', key.id, ...range], env),
    ]);
    expect(json.totals).toMatchObject({
      ...expected.totals,
      requests: 3,
      inputTokens: 3300,
      outputTokens: 630,
    });
    const micros = expected.totals.costMicros;
    const usd = `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
    expect(json.totals.costUsd).toBe(usd);
    expect(json.byModel.map((row) => [row.model, row.requests])).toEqual(
      expected.byModel.map((row) => [row.model, row.requests]),
    );
    expect(json.byModel.find((row) => row.model === 'claude-sonnet-4-5')).toMatchObject({
      requests: 2,
      inputTokens: 3000,
      outputTokens: 600,
      cacheReadTokens: 200,
    });

    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Usage of API key ${key.id} (metered), ${day} (UTC)`);
    expect(text.stdout).toContain(`$${usd}`);
    expect(text.stdout).toMatch(/claude-haiku-4-5\s+1\s+300\s+30\s/);
  });

  it('exits 2 on bad usage and 1 on failures, with the reason on stderr', async () => {
    const [unknown, noName, badDay, missing, noRedis, help] = await Promise.all([
      runCli(['frobnicate'], env),
      runCli(['keys', 'create', '--tag', 'x'], env),
      runCli(['usage', 'key', 'key_x', '--from', '2026-02-30'], env),
      runCli(['keys', 'show', 'key_missing'], env),
      runCli(['keys', 'list'], {
        ...env,
        REDIS_URL: undefined,
        REDIS_SENTINELS: undefined,
        REDIS_SENTINEL_NAME: undefined,
        REDIS_CLUSTER_NODES: undefined,
      }),
      runCli(['help'], env),
    ]);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect(unknown.stderr).toContain('Usage:');
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain('--name is required');
    expect(badDay.code).toBe(2);
    expect(badDay.stderr).toContain('--from must be a date as YYYY-MM-DD');
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toContain('error: API key key_missing does not exist');
    expect(noRedis.code).toBe(1);
    expect(noRedis.stderr).toContain('No Redis to work on');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('keys create --name <name>');
  });
});
