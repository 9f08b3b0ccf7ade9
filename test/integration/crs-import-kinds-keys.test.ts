// Imports the CRS of every kind (test/support/crs-every-kind.ts: keys covering every option the importer maps,
// owned by users, with usage recorded today). Then checks, key by key, what each API key became here: its options,
// the spend carried over, activation, authentication with the old plaintext, and a second run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/services/container.js';
import type { ImportReport } from '../../src/services/migration/import-report.js';
import {
  CREATED,
  type EveryKindCrs,
  HOUR_MS,
  importCrs,
  item,
  KEY_EXPIRES_AT,
  keyOf,
  ours,
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
let keys: EveryKindCrs['keys'];
let hoursActivatedAt: Date;

beforeAll(async () => {
  crs = await startCrsRedis();
  ({ acc, grp, usr, keys, hoursActivatedAt } = await writeEveryKindCrs(crs.redis));
  services = await createTestServices();
  report = await importCrs(services, crs);
});

afterAll(async () => {
  await services?.stop();
  await crs?.destroy();
});

describe('importing one CRS record of every kind', () => {
  it('a key with every limit: permissions, bindings, restrictions, limits in micro-USD, tags, expiry', async () => {
    const key = await keyOf(services, report, keys.alice);
    expect(key).toMatchObject({
      name: 'alice-main',
      description: 'Alice’s main key',
      ownerId: ours(report, 'user', usr.alice),
      enabled: true,
      expiry: { kind: 'fixed', expiresAt: Date.parse(KEY_EXPIRES_AT) },
      modelAllow: [],
      modelMapping: {},
      bindingFallback: 'fail',
      hint: 'cr_… (from CRS)',
      hashScheme: 'peppered-sha256',
      createdAt: CREATED.getTime(),
    });
    // CRS serves Azure OpenAI accounts on its OpenAI routes.
    expect(key.platforms).toEqual(['claude', 'openai', 'azure']);
    expect(key.bindings).toEqual({
      claude: { accountId: ours(report, 'account', acc.claude) },
      openai: { accountId: ours(report, 'account', acc.responses) },
      gemini: { accountId: ours(report, 'account', acc.geminiApi) },
      azure: { accountId: ours(report, 'account', acc.azureEast) },
      droid: { accountId: ours(report, 'account', acc.droidKeys) },
    });
    expect(key.modelDeny).toEqual(['claude-opus-4-20250514', 'claude-opus-4-1-20250805']);
    expect(key.clients).toEqual(['claude-code', 'codex']);
    expect(key.limits).toEqual({
      concurrency: 4,
      window: { seconds: 3600, mode: 'fixed', requests: 120, costMicros: 7_500_000 },
      dailyCostMicros: 20_000_000,
      totalCostMicros: 300_000_000,
      weeklyCostMicros: 80_000_000,
    });
    expect(key.tags).toEqual(['team-a', 'prod']);
    expect(item(report, 'api-key', keys.alice.id).notes).toEqual(
      expect.arrayContaining([
        'restrictedModels imported as models the key may not use (CRS’s Claude routes read them so)',
        'weeklyOpusCostLimit (CRS: a weekly cap on Claude models) imported as the key’s weekly spend limit',
        "weekly limit reset on day 3 at 9:00 in CRS; here weeks start on the relay's WEEK_START at midnight",
        'spend carried over: $5.00 in all, $2.00 today, $2.00 this month (4 requests in CRS)',
      ]),
    );
  });

  it('carries the key’s spend over: today, this month, the Claude week and the total', async () => {
    const key = await keyOf(services, report, keys.alice);
    const usage = await services.admission.usage(key);
    const spent = Object.fromEntries(
      usage.costs.map((cost) => [cost.name, { spent: cost.spentMicros, limit: cost.limitMicros }]),
    );
    expect(spent.daily).toEqual({ spent: 2_000_000, limit: 20_000_000 });
    expect(spent.monthly).toEqual({ spent: 2_000_000, limit: undefined });
    // CRS's weekly counter holds Claude models served by Claude accounts only: the GPT request is not in it.
    expect(spent.weekly).toEqual({ spent: 1_750_000, limit: 80_000_000 });
    expect(spent.total).toEqual({ spent: 5_000_000, limit: 300_000_000 });
    expect(usage.window).toMatchObject({
      mode: 'fixed',
      seconds: 3600,
      requests: 0,
      limits: { requests: 120, costMicros: 7_500_000 },
    });
    expect(usage.concurrency).toEqual({ inFlight: 0, limit: 4 });
    expect(usage.activation).toBeUndefined();
  });

  it('a token window wins over a cost window; legacy permission "all" means every pool', async () => {
    const key = await keyOf(services, report, keys.window);
    expect(key).toMatchObject({
      name: 'window-tokens',
      ownerId: ours(report, 'user', usr.carol),
      enabled: true,
      expiry: { kind: 'never' },
      platforms: [],
      modelDeny: [],
      clients: [],
      tags: [],
    });
    expect(key.limits).toEqual({ window: { seconds: 600, mode: 'fixed', tokens: 50_000 } });
    expect(key.bindings).toEqual({
      claude: { groupId: ours(report, 'group', grp.claude) },
      gemini: { accountId: ours(report, 'account', acc.gemini) },
      droid: { accountId: ours(report, 'account', acc.droidWorkos) },
    });
  });

  it('activation in days, not yet used: a duration from first use; legacy comma permissions', async () => {
    const key = await keyOf(services, report, keys.days);
    expect(key).toMatchObject({
      name: 'activation-days',
      ownerId: ours(report, 'user', usr.alice),
      enabled: true,
      expiry: { kind: 'after-first-use', durationSeconds: 30 * 86_400 },
      platforms: ['claude', 'gemini'],
      limits: {},
    });
    // Console first, as CRS tries it before Bedrock; the groups of the other pools.
    expect(key.bindings).toEqual({
      claude: { accountId: ours(report, 'account', acc.console) },
      openai: { groupId: ours(report, 'group', grp.openai) },
      gemini: { groupId: ours(report, 'group', grp.gemini) },
      droid: { groupId: ours(report, 'group', grp.droid) },
    });
    expect(item(report, 'api-key', keys.days.id).notes).toContain(
      'bedrockAccountId not imported: one binding per pool here, and CRS tries the earlier one first',
    );
    const usage = await services.admission.usage(key);
    expect(usage.activation).toEqual({ activatedAt: undefined, expiresAt: undefined });
  });

  it('activation in hours, already used: the expiry CRS fixed at its first request', async () => {
    const key = await keyOf(services, report, keys.hours);
    expect(key).toMatchObject({
      name: 'activation-hours',
      enabled: true,
      expiry: { kind: 'fixed', expiresAt: hoursActivatedAt.getTime() + 12 * HOUR_MS },
      platforms: ['droid'],
    });
    expect(key.ownerId).toBeUndefined();
    expect(key.bindings).toEqual({
      claude: { accountId: ours(report, 'account', acc.bedrockBearer) },
      openai: { accountId: ours(report, 'account', acc.openai) },
    });
  });

  it('a switched-off key stays off; a deleted owner’s key comes without an owner', async () => {
    const off = await keyOf(services, report, keys.disabled);
    expect(off).toMatchObject({ name: 'switched-off', enabled: false, platforms: ['gemini'] });
    expect(off.bindings).toEqual({
      claude: { accountId: ours(report, 'account', acc.claudeGroup) },
      azure: { accountId: ours(report, 'account', acc.azureWest) },
    });
    const orphan = await keyOf(services, report, keys.dave);
    expect(orphan).toMatchObject({ name: 'dave-key', enabled: false });
    expect(orphan.ownerId).toBeUndefined();
    expect(item(report, 'api-key', keys.dave.id).notes).toContain(
      `owner ${usr.dave} is not a user here; imported without an owner`,
    );
  });

  it('the old plaintext keys authenticate as the imported keys; switched-off ones do not', async () => {
    for (const created of [keys.alice, keys.window, keys.days, keys.hours]) {
      const key = await services.apiKeys.authenticateEnabled(created.plaintext);
      expect(key.id).toBe(ours(report, 'api-key', created.id));
    }
    await expect(services.apiKeys.authenticateEnabled(keys.disabled.plaintext)).rejects.toThrow(/disabled/);
    await expect(services.apiKeys.authenticateEnabled(keys.dave.plaintext)).rejects.toThrow(/disabled/);
  });

  it('a key CRS refuses because its owner is disabled is not usable here either', async () => {
    const key = await keyOf(services, report, keys.bob);
    expect(key.ownerId).toBe(ours(report, 'user', usr.bob));
    // CRS validateApiKey: a key whose user is missing or inactive is invalid, whatever the key's isActive says.
    await expect(services.apiKeys.authenticateEnabled(keys.bob.plaintext)).rejects.toThrow();
  });

  it('a second run changes nothing and does not count the spend twice', async () => {
    const again = await importCrs(services, crs);
    expect(again.totals.account).toEqual({ imported: 0, unchanged: 14, skipped: 0 });
    expect(again.totals.group).toEqual({ imported: 0, unchanged: 4, skipped: 0 });
    expect(again.totals['api-key']).toEqual({ imported: 0, unchanged: 7, skipped: 0 });
    const usage = await services.admission.usage(await keyOf(services, report, keys.alice));
    const total = usage.costs.find((cost) => cost.name === 'total');
    expect(total?.spentMicros).toBe(5_000_000);
  });
});
