// The admin CLI's key restrictions and limits: create and update options, bad values, and `keys usage`.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IssuedApiKey } from '../../src/services/api-keys/api-key-service.js';
import type { ApiKey } from '../../src/services/api-keys/api-key-types.js';
import { type CliEnv, type CliFixture, createCliFixture, runCli, runCliJson } from '../support/cli.js';
import { settleInput } from '../support/settle-input.js';

describe('admin CLI key limits', () => {
  let fixture: CliFixture;
  let env: CliEnv;

  beforeEach(async () => {
    fixture = await createCliFixture();
    ({ env } = fixture);
  });
  afterEach(() => fixture.cleanup());

  it('creates a key with restrictions and limits, then updates it by merging and clearing', async () => {
    const created = await runCliJson<IssuedApiKey>(
      // biome-ignore format: one topic per line
      [
        'keys', 'create', '--name', 'limited', '--description', 'team A',
        '--expires-after-first-use', '12h',
        '--platform', 'claude', '--platform', 'openai', '--client', 'claude-code',
        '--allow-model', 'claude-*', '--deny-model', 'claude-opus-4-1',
        '--concurrency', '4', '--queue-waiters', '10', '--queue-wait', '30s',
        '--window', '1h', '--window-requests', '100', '--window-cost-usd', '2.5',
        // 4.35 * 1e6 is 4349999.999999999 in floating point: the string must be parsed as a decimal.
        '--daily-cost-usd', '10.5', '--weekly-cost-usd', '0.000001', '--monthly-cost-usd', '4.35',
        '--total-cost-usd', '1000', '--weekly-cost-usd-opus', '5', '--weekly-cost-usd-haiku', '1.25',
      ],
      env,
    );
    const services = await fixture.servicesLikeCli();
    const id = created.key.id;
    expect(await services.apiKeys.get(id)).toMatchObject({
      description: 'team A',
      enabled: true,
      expiry: { kind: 'after-first-use', durationSeconds: 12 * 3600 },
      platforms: ['claude', 'openai'],
      clients: ['claude-code'],
      modelAllow: ['claude-*'],
      modelDeny: ['claude-opus-4-1'],
      limits: {
        concurrency: 4,
        queue: { maxWaiters: 10, maxWaitMs: 30_000 },
        window: { seconds: 3600, mode: 'sliding', requests: 100, costMicros: 2_500_000 },
        dailyCostMicros: 10_500_000,
        weeklyCostMicros: 1,
        monthlyCostMicros: 4_350_000,
        totalCostMicros: 1_000_000_000,
        weeklyCostMicrosByFamily: { opus: 5_000_000, haiku: 1_250_000 },
      },
    });

    const updated = await runCliJson<ApiKey>(
      // biome-ignore format: one topic per line
      [
        'keys', 'update', id, '--enabled', 'false', '--tag', 'a', '--tag', 'b',
        '--expires-at', '2030-01-01T00:00:00+01:00', '--platform', 'gemini', '--clear-deny-models',
        '--window-tokens', '50000', '--window-mode', 'fixed', '--weekly-cost-usd-sonnet', '3',
        '--no-limit', 'daily', '--no-limit', 'weekly-opus',
      ],
      env,
    );
    const stored = await services.apiKeys.get(id);
    expect(stored).toEqual(updated);
    expect(stored).toMatchObject({
      description: 'team A',
      enabled: false,
      tags: ['a', 'b'],
      expiry: { kind: 'fixed', expiresAt: Date.UTC(2029, 11, 31, 23) },
      platforms: ['gemini'],
      modelAllow: ['claude-*'],
      modelDeny: [],
    });
    expect(stored?.limits).toEqual({
      concurrency: 4,
      queue: { maxWaiters: 10, maxWaitMs: 30_000 },
      window: { seconds: 3600, mode: 'fixed', requests: 100, tokens: 50_000, costMicros: 2_500_000 },
      weeklyCostMicros: 1,
      monthlyCostMicros: 4_350_000,
      totalCostMicros: 1_000_000_000,
      weeklyCostMicrosByFamily: { sonnet: 3_000_000, haiku: 1_250_000 },
    });

    const shown = await runCli(['keys', 'show', id], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/expires:\s+at 2029-12-31 23:00:00 UTC/);
    expect(shown.stdout).toMatch(/models denied:\s+none/);
    expect(shown.stdout).toMatch(/queue:\s+up to 10 waiting, each at most 30s/);
    expect(shown.stdout).toMatch(/rate window:\s+1h fixed: 100 requests, 50,000 tokens, \$2\.50/);
    expect(shown.stdout).toMatch(/monthly spend limit:\s+\$4\.35\n/);
    expect(shown.stdout).toMatch(/weekly spend limit:\s+\$0\.000001\n/);
    expect(shown.stdout).toMatch(/weekly sonnet limit:\s+\$3\.00/);
    expect(shown.stdout).not.toContain('daily spend limit');
  });

  it('maps models with --map on create, replaces the mapping on update, clears it, and shows it', async () => {
    const created = await runCliJson<IssuedApiKey>(
      // biome-ignore format: one topic per line
      [
        'keys', 'create', '--name', 'mapped',
        '--map', 'claude-sonnet-4-5=gemini-2.5-pro', '--map', 'claude-haiku-4-5=gemini-2.5-flash',
      ],
      env,
    );
    const services = await fixture.servicesLikeCli();
    const id = created.key.id;
    expect((await services.apiKeys.get(id))?.modelMapping).toEqual({
      'claude-sonnet-4-5': 'gemini-2.5-pro',
      'claude-haiku-4-5': 'gemini-2.5-flash',
    });
    const shown = await runCli(['keys', 'show', id], env);
    expect(shown.stdout).toMatch(
      /model mapping:\s+claude-sonnet-4-5 → gemini-2\.5-pro, claude-haiku-4-5 → gemini-2\.5-flash\n/,
    );

    // Other changes leave the mapping alone; --map replaces it as a whole; --clear-map empties it.
    await runCliJson<ApiKey>(['keys', 'update', id, '--tag', 'mapped'], env);
    expect(Object.keys((await services.apiKeys.get(id))?.modelMapping ?? {})).toHaveLength(2);
    const replaced = await runCliJson<ApiKey>(
      ['keys', 'update', id, '--map', 'claude-opus-4-1=gemini-2.5-pro'],
      env,
    );
    expect(replaced.modelMapping).toEqual({ 'claude-opus-4-1': 'gemini-2.5-pro' });
    const cleared = await runCliJson<ApiKey>(['keys', 'update', id, '--clear-map'], env);
    expect(cleared.modelMapping).toEqual({});
    expect((await runCli(['keys', 'show', id], env)).stdout).toMatch(/model mapping:\s+none\n/);

    const [both, shape, twice, long] = await Promise.all([
      runCli(['keys', 'update', id, '--map', 'a=b', '--clear-map'], env),
      runCli(['keys', 'update', id, '--map', 'claude-sonnet-4-5'], env),
      runCli(['keys', 'create', '--name', 'x', '--map', 'a=b', '--map', 'a=c'], env),
      runCli(['keys', 'update', id, '--map', `a=${'m'.repeat(201)}`], env),
    ]);
    expect(both).toMatchObject({ code: 2, stdout: '' });
    expect(both.stderr).toContain('--map and --clear-map cannot be combined');
    expect(shape.code).toBe(2);
    expect(shape.stderr).toContain('--map must look like from=to (got "claude-sonnet-4-5")');
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('--map gives "a" twice');
    // The service's own limit, reported against the option that set it.
    expect(long).toMatchObject({ code: 1, stdout: '' });
    expect(long.stderr).toMatch(/modelMapping\.a: .*\(--map\)/);
    expect((await services.apiKeys.get(id))?.modelMapping).toEqual({});
  });

  it('exits 2 naming the option for bad values, and 1 with the reason when the service refuses', async () => {
    const services = await fixture.servicesLikeCli();
    const { key } = await services.apiKeys.create({ name: 'target' });
    const create = ['keys', 'create', '--name', 'x'];
    const [negative, mode, soon, precise, badModel] = await Promise.all([
      runCli([...create, '--daily-cost-usd', '-1'], env),
      runCli([...create, '--window', '1h', '--window-mode', 'weekly'], env),
      runCli([...create, '--expires-after-first-use', 'soon'], env),
      runCli(['keys', 'update', key.id, '--weekly-cost-usd', '1.0000001', '--queue-waiters', '3'], env),
      runCli(['keys', 'update', key.id, '--allow-model', 'claude-*', '--allow-model', 'bad model'], env),
    ]);
    expect(negative).toMatchObject({ code: 2, stdout: '' });
    expect(negative.stderr).toContain('--daily-cost-usd must not be negative');
    expect(mode.code).toBe(2);
    expect(mode.stderr).toContain('--window-mode must be one of: sliding, fixed');
    expect(soon.code).toBe(2);
    expect(soon.stderr).toContain('--expires-after-first-use must be a duration such as 30s, 15m, 12h or 7d');
    expect(precise.code).toBe(2);
    expect(precise.stderr).toContain('--weekly-cost-usd must be an amount in USD');
    expect(badModel).toMatchObject({ code: 1, stdout: '' });
    expect(badModel.stderr).toContain(
      'error: modelAllow.1: must be a model name, optionally ending in * for a prefix (--allow-model "bad model")',
    );
    expect((await services.apiKeys.get(key.id))?.modelAllow).toEqual([]);
  });

  it('shows spend, reservations, window and concurrency against the limits with `keys usage`', async () => {
    const services = await fixture.servicesLikeCli();
    const { key, plaintext } = await services.apiKeys.create({
      name: 'metered',
      expiry: { kind: 'after-first-use', durationSeconds: 86_400 },
      limits: {
        concurrency: 4,
        dailyCostMicros: 1_000_000,
        weeklyCostMicrosByFamily: { haiku: 2_000_000 },
        // Sliding, so that the count cannot fall into a fresh window between settling and the CLI reading.
        window: { seconds: 3600, mode: 'sliding', requests: 100 },
      },
    });
    const stored = await services.apiKeys.authenticate(plaintext);
    const ticket = await services.admission.admit({
      key: stored,
      requestId: 'req_cli_usage',
      platform: 'claude',
      model: 'claude-haiku-4-5',
      client: undefined,
      stream: false,
      input: { boundTokens: 100, estimateTokens: 100, cacheWrites: 'none' as const },
      maxTokens: 100,
    });
    await services.settler.settle(settleInput('req_cli_usage', { ticket: ticket, keyId: key.id }));

    type Cost = Record<string, unknown> & { name: string };
    const [json, text] = await Promise.all([
      runCliJson<Record<string, unknown> & { costs: Cost[] }>(['keys', 'usage', key.id], env),
      runCli(['keys', 'usage', key.id], env),
    ]);
    // haiku: $1 in, $5 out per million tokens → 1,000 + 500 micro-USD.
    expect(json).toMatchObject({
      keyId: key.id,
      timeZone: 'UTC',
      concurrency: { inFlight: 0, limit: 4 },
      window: { mode: 'sliding', requests: 1, tokens: 1100, costMicros: 1500, costUsd: '0.001500' },
      activation: { activatedAt: expect.any(Number), expiresAt: expect.any(Number) },
    });
    const cost = (name: string) => json.costs.find((item) => item.name === name);
    expect(cost('daily')).toMatchObject({
      spentMicros: 1500,
      spentUsd: '0.001500',
      reservedMicros: 0,
      reservedUsd: '0.000000',
      limitMicros: 1_000_000,
      limitUsd: '1.000000',
      resetsAt: expect.any(Number),
    });
    expect(cost('weekly_haiku')).toMatchObject({ spentUsd: '0.001500', limitUsd: '2.000000' });
    expect(cost('total')).toMatchObject({ spentMicros: 1500, limitMicros: null, resetsAt: null });
    expect(cost('total')).not.toHaveProperty('limitUsd');

    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Limits of API key ${key.id} (metered) at `);
    expect(text.stdout).toContain('time zone UTC');
    expect(text.stdout).toMatch(/concurrency:\s+0 in flight of 4/);
    expect(text.stdout).toMatch(/window requests:\s+1 of 100/);
    expect(text.stdout).toMatch(/activation:\s+first used \S+; expires \S+\+00:00/);
    expect(text.stdout).toMatch(/daily\s+\$0\.0015\s+\$0\.00\s+\$1\.00\s+\d{4}-\d\d-\d\dT00:00:00\+00:00/);
    expect(text.stdout).toMatch(/total\s+\$0\.0015\s+\$0\.00\s+no limit\s+never/);
  });
});
