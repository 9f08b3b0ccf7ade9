// A relay's configuration moved to another Redis (and another encryption key) through an encrypted bundle:
// keys keep authenticating with the same plaintext (CRS-imported ones too), accounts keep their secrets, people
// their passwords, alert rules their channels; a second import adds nothing; a wrong passphrase or a changed
// file is refused before anything is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPrincipal } from '../../src/cli/cli-principal.js';
import { pepperedHash } from '../../src/services/api-keys/legacy-key-hashes.js';
import type { Services } from '../../src/services/container.js';
import { createTestServices } from '../support/services.js';

const actor = cliPrincipal();
const PASSPHRASE = 'correct horse battery staple';
let source: Services;
let target: Services;
let file = '';
const made: Record<string, string> = {};

beforeAll(async () => {
  source = await createTestServices();
  target = await createTestServices({ encryptionKey: { id: 'other-relay', key: Buffer.alloc(32, 9) } });

  const dana = await source.users.create({ username: 'dana', password: 'dana password 123', role: 'member' });
  await source.users.update(dana.id, { groups: ['platform'] });
  made.dana = dana.id;
  const account = await source.accounts.create({
    type: 'claude-console',
    name: 'console',
    baseUrl: 'http://127.0.0.1:9',
    credentials: { apiKey: 'sk-ant-secret', proxyPassword: 'proxy pass' },
    proxy: { protocol: 'http', host: '127.0.0.1', port: 3128, username: 'u' },
    dedicated: true,
  });
  made.account = account.id;
  const group = await source.groups.create({ name: 'team', platform: 'claude', memberIds: [account.id] });
  const issued = await source.apiKeys.create({
    name: 'dana key',
    ownerId: dana.id,
    bindings: { claude: { groupId: group.id } },
  });
  made.key = issued.plaintext;
  made.keyId = issued.key.id;
  // A key imported from CRS, not used yet: its peppered hash and the pepper must travel too.
  const pepperId = await source.legacyKeyHashes.add('cr_', 'crs-encryption-key');
  made.legacy = `cr_${'ab'.repeat(32)}`;
  await source.apiKeys.importKey({
    id: 'key_from_crs',
    fields: { name: 'from crs' },
    legacyHash: pepperedHash(made.legacy, 'crs-encryption-key'),
    pepperId,
    hint: 'cr_… (from CRS)',
    createdAt: Date.now(),
  });
  const { channel } = await source.operator.channels.create({
    name: 'hook',
    kind: 'webhook',
    url: 'http://127.0.0.1:9/hook',
    signingSecret: 'whsec_YnVuZGxlLXNlY3JldC0wMTIzNDU2Nzg5',
  });
  made.channel = channel.id;
  await source.operator.alertRules.create({
    name: 'errors',
    condition: { kind: 'error_rate', threshold: 0.5 },
    channelIds: [channel.id],
  });
  await source.pricing.setOverride('house-model', {
    input: 1,
    output: 2,
    cacheRead: 0.1,
    cacheWrite5m: 1.25,
    cacheWrite1h: 2,
  });
  await source.spendLimits.set({
    scope: { type: 'user', userId: dana.id },
    period: 'monthly',
    amountCents: 5000,
  });
  await source.managedSettings.set(
    { type: 'group', group: 'platform' },
    { model: 'claude-sonnet-4-5' },
    'test',
  );

  file = (await source.control.migration.exportBundle(actor, PASSPHRASE)).file;
});

afterAll(async () => {
  await source?.stop();
  await target?.stop();
});

describe('moving a relay with an encrypted bundle', () => {
  it('holds no secret in the clear', () => {
    for (const secret of ['sk-ant-secret', 'proxy pass', 'whsec_YnVuZGxl', 'crs-encryption-key', 'dana']) {
      expect(file).not.toContain(secret);
    }
  });

  it('refuses a wrong passphrase and a changed file, writing nothing', async () => {
    await expect(
      target.control.migration.importBundle(actor, file, 'not the passphrase', {
        dryRun: false,
        sourceLabel: 'f',
      }),
    ).rejects.toThrow(/passphrase does not open this bundle/);
    const parsed = JSON.parse(file) as { header: { createdAt: string } };
    parsed.header.createdAt = '2000-01-01T00:00:00.000Z';
    await expect(
      target.control.migration.importBundle(actor, JSON.stringify(parsed), PASSPHRASE, {
        dryRun: false,
        sourceLabel: 'f',
      }),
    ).rejects.toThrow(/passphrase does not open this bundle \(or the file was changed\)/);
    await expect(
      target.control.migration.importBundle(actor, '{"not":"a bundle"}', PASSPHRASE, {
        dryRun: false,
        sourceLabel: 'f',
      }),
    ).rejects.toThrow(/not a llm-relay-bundle/);
    expect((await target.apiKeys.list()).items).toEqual([]);
    expect(await target.users.findByUsername('dana')).toBeUndefined();
  });

  it('brings everything over, under another encryption key', async () => {
    const dry = await target.control.migration.importBundle(actor, file, PASSPHRASE, {
      dryRun: true,
      sourceLabel: 'f',
    });
    expect(dry.totals['api-key'].imported).toBe(2);
    expect((await target.apiKeys.list()).items).toEqual([]);

    const report = await target.control.migration.importBundle(actor, file, PASSPHRASE, {
      dryRun: false,
      sourceLabel: 'f',
    });
    expect(report.items.filter((item) => item.outcome === 'skipped')).toEqual([]);

    const key = await target.apiKeys.authenticateEnabled(made.key ?? '');
    expect(key.id).toBe(made.keyId);
    expect(key.ownerId).toBe(made.dana);
    expect((await target.apiKeys.authenticateEnabled(made.legacy ?? '')).id).toBe('key_from_crs');
    const runtime = await target.accounts.loadRuntime(made.account ?? '');
    expect(runtime?.secrets).toMatchObject({ apiKey: 'sk-ant-secret', proxyPassword: 'proxy pass' });
    expect(runtime?.account.dedicated).toBe(true);
    expect((await target.users.verifyCredentials('dana', 'dana password 123'))?.groups).toEqual(['platform']);
    const channels = (await target.operator.channels.list()).items;
    expect(channels).toHaveLength(1);
    const opened = await target.operator.channels.open(channels[0]?.id ?? '');
    expect(opened?.config).toMatchObject({
      kind: 'webhook',
      signingSecret: 'whsec_YnVuZGxlLXNlY3JldC0wMTIzNDU2Nzg5',
    });
    const [rule] = await target.operator.alertRules.all();
    expect(rule?.channelIds).toEqual([channels[0]?.id]);
    expect((await target.pricing.listOverrides()).map((price) => price.model)).toEqual(['house-model']);
    expect((await target.spendLimits.list())[0]).toMatchObject({ period: 'monthly', amountCents: 5000 });
    expect((await target.managedSettings.list())[0]?.settings).toEqual({ model: 'claude-sonnet-4-5' });
  });

  it('a second import finds everything there and adds nothing', async () => {
    const report = await target.control.migration.importBundle(actor, file, PASSPHRASE, {
      dryRun: false,
      sourceLabel: 'f',
    });
    const imported = report.items.filter((item) => item.outcome !== 'unchanged');
    expect(imported).toEqual([]);
    expect((await target.operator.channels.list()).items).toHaveLength(1);
    expect(await target.operator.alertRules.all()).toHaveLength(1);
  });
});
