// Imports the recording of a real Claude Relay Service v1.1.314 (every account kind, groups, 13 keys, real
// usage from requests it served) and checks what became of each record, that the CRS Redis was only read,
// that the old plaintext keys authenticate (and are upgraded on first use), and that a re-run adds nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPrincipal } from '../../src/cli/cli-principal.js';
import type { Services } from '../../src/services/container.js';
import type { ImportReport } from '../../src/services/migration/import-report.js';
import {
  type CrsRecording,
  type CrsRedis,
  loadCrsRecording,
  readCrsRecording,
  startCrsRedis,
} from '../support/crs-source.js';
import { createTestServices } from '../support/services.js';

const actor = cliPrincipal();
let crs: CrsRedis;
let services: Services;
let recording: CrsRecording;

beforeAll(async () => {
  recording = readCrsRecording();
  crs = await startCrsRedis();
  await loadCrsRecording(crs.redis, recording);
  services = await createTestServices();
});

afterAll(async () => {
  await services?.stop();
  await crs?.destroy();
});

function run(dryRun: boolean, encryptionKey = recording.encryptionKey): Promise<ImportReport> {
  return services.control.migration.importCrs(actor, crs.redis, {
    encryptionKey,
    keyPrefix: recording.apiKeyPrefix,
    timezoneOffset: 8,
    dryRun,
    sourceLabel: crs.url,
  });
}

function item(report: ImportReport, entity: string, sourceId: string) {
  const found = report.items.find(
    (candidate) => candidate.entity === entity && candidate.sourceId === sourceId,
  );
  if (!found) throw new Error(`no ${entity} ${sourceId} in the report`);
  return found;
}

describe('importing a recorded CRS v1.1.314', () => {
  it('refuses a wrong encryption key before writing anything', async () => {
    const before = await crs.snapshot();
    await expect(run(false, 'not-the-key-this-crs-runs-with-00')).rejects.toThrow(/not the ENCRYPTION_KEY/);
    expect((await services.accounts.list({ limit: 100 })).items).toEqual([]);
    expect((await services.apiKeys.list({ limit: 100 })).items).toEqual([]);
    expect(await crs.snapshot()).toBe(before);
  });

  it('a dry run reports the import and writes nothing', async () => {
    const before = await crs.snapshot();
    const report = await run(true);
    expect(report.dryRun).toBe(true);
    expect(report.totals.account.imported).toBeGreaterThan(10);
    expect((await services.accounts.list({ limit: 100 })).items).toEqual([]);
    expect((await services.apiKeys.list({ limit: 100 })).items).toEqual([]);
    expect(await crs.snapshot()).toBe(before);
  });

  it('imports every account kind, group and key, and an old plaintext key authenticates', async () => {
    const before = await crs.snapshot();
    const report = await run(false);
    expect(await crs.snapshot()).toBe(before);
    const { accounts, groups, apiKeys } = recording.labels;

    const antigravity = item(report, 'account', accounts['gemini-antigravity']?.id ?? '');
    expect(antigravity.outcome).toBe('skipped');
    expect(antigravity.reason).toMatch(/Antigravity/);
    expect(item(report, 'api-key', apiKeys['k-deleted'] ?? '')).toMatchObject({
      outcome: 'skipped',
      reason: 'deleted in CRS',
    });
    expect(report.totals.account).toEqual({ imported: 15, unchanged: 0, skipped: 1 });
    expect(report.totals.group).toEqual({ imported: 4, unchanged: 0, skipped: 0 });
    expect(report.totals['api-key']).toEqual({ imported: 12, unchanged: 0, skipped: 1 });

    const types = (await services.accounts.list({ limit: 100 })).items.map((account) => account.type).sort();
    expect(types).toEqual([
      'azure-openai',
      'bedrock',
      'bedrock',
      'ccr',
      'claude-console',
      'claude-console',
      'claude-oauth',
      'claude-oauth',
      'droid',
      'droid',
      'gemini-api',
      'gemini-oauth',
      'openai-api',
      'openai-api',
      'openai-oauth',
    ]);

    // Secrets were opened with CRS's key and sealed with ours.
    const consoleA = item(report, 'account', accounts['console-a']?.id ?? '');
    const runtime = await services.accounts.loadRuntime(consoleA.targetId ?? '');
    expect(runtime?.secrets.apiKey).toMatch(/^sk-ant-/);
    expect(runtime?.account.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(runtime?.account.maxConcurrency).toBe(4);

    const claudePool = item(report, 'group', groups['claude-pool']?.id ?? '');
    const group = await services.groups.require(claudePool.targetId ?? '');
    expect(group.platform).toBe('claude');
    expect(group.memberIds.length).toBeGreaterThan(0);

    // The key CRS bound to a group is bound to the imported group.
    const boundKey = item(report, 'api-key', apiKeys['k-group-claude'] ?? '');
    const bound = await services.apiKeys.require(boundKey.targetId ?? '');
    expect(bound.bindings.claude).toEqual({ groupId: claudePool.targetId });

    const plaintext = recording.plaintextKeys['k-all-console'] ?? '';
    const key = await services.apiKeys.authenticateEnabled(plaintext);
    expect(key.id).toBe(item(report, 'api-key', apiKeys['k-all-console'] ?? '').targetId);
    // Upgraded on first use: stored under our own hash now, with a hint showing its real last characters.
    const upgraded = await services.apiKeys.findStored(key.id);
    expect(upgraded?.hashScheme).toBeUndefined();
    expect(upgraded?.hint).toBe(`cr_…${plaintext.slice(-4)}`);

    const disabled = recording.plaintextKeys['k-disabled'] ?? '';
    await expect(services.apiKeys.authenticateEnabled(disabled)).rejects.toThrow(/disabled/);
    await expect(services.apiKeys.authenticate(recording.plaintextKeys['k-deleted'] ?? '')).rejects.toThrow(
      /Invalid API key/,
    );
  });

  it('a second run finds everything imported and adds nothing', async () => {
    const accountsBefore = (await services.accounts.list({ limit: 100 })).items.length;
    const keysBefore = (await services.apiKeys.list({ limit: 100 })).items.length;
    const report = await run(false);
    expect(report.totals.account).toEqual({ imported: 0, unchanged: 15, skipped: 1 });
    expect(report.totals.group).toEqual({ imported: 0, unchanged: 4, skipped: 0 });
    expect(report.totals['api-key']).toEqual({ imported: 0, unchanged: 12, skipped: 1 });
    expect((await services.accounts.list({ limit: 100 })).items.length).toBe(accountsBefore);
    expect((await services.apiKeys.list({ limit: 100 })).items.length).toBe(keysBefore);
  });
});
