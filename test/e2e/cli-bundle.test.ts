// `export bundle` and `import bundle` through the real CLI, between two relays with their own Redis prefix,
// DATA_DIR and encryption key: the file is written owner-only, both commands are audited under the CLI's name,
// and a key issued on the first relay authenticates on the second.
import { readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../src/services/migration/import-report.js';
import { type CliFixture, createCliFixture, runCli } from '../support/cli.js';

const PASSPHRASE = 'a long enough passphrase';
let from: CliFixture;
let to: CliFixture;
const bundle = path.join(tmpdir(), `relay-bundle-${process.pid}-${Date.now()}.json`);

beforeAll(async () => {
  from = await createCliFixture();
  to = await createCliFixture();
});
afterAll(async () => {
  await from?.cleanup();
  await to?.cleanup();
  rmSync(bundle, { force: true });
});

describe('moving a relay with the CLI', () => {
  it('exports, then imports on another relay, and the key still works', async () => {
    const services = await from.servicesLikeCli();
    const issued = await services.apiKeys.create({ name: 'moving key' });

    const refused = await runCli(['export', 'bundle', '--out', bundle, '--passphrase', PASSPHRASE], from.env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--passphrase takes "-"/);

    const exported = await runCli(
      ['export', 'bundle', '--out', bundle, '--passphrase', '-'],
      from.env,
      PASSPHRASE,
    );
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/^Wrote .*: \d+ accounts, 0 groups, \d+ users, 0 keyPeppers, 1 apiKeys/);
    expect(statSync(bundle).mode & 0o777).toBe(0o600);
    expect(readFileSync(bundle, 'utf8')).not.toContain(issued.key.hint);

    const wrong = await runCli(
      ['import', 'bundle', '--in', bundle, '--passphrase', '-'],
      to.env,
      'not the passphrase',
    );
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/passphrase does not open this bundle/);

    const imported = await runCli(
      ['import', 'bundle', '--in', bundle, '--passphrase', '-', '--json'],
      to.env,
      PASSPHRASE,
    );
    expect(imported.code, imported.stderr).toBe(0);
    const report = JSON.parse(imported.stdout) as ImportReport;
    expect(report.totals['api-key']).toEqual({ imported: 1, unchanged: 0, skipped: 0 });

    const target = await to.servicesLikeCli();
    expect((await target.apiKeys.authenticateEnabled(issued.plaintext)).name).toBe('moving key');
    const audit = await target.audit.list({ action: 'bundle.' });
    expect(audit.items.map((entry) => entry.action)).toEqual(['bundle.import']);
    expect(audit.items[0]?.actor).toMatch(/^cli:/);
    const exportAudit = await services.audit.list({ action: 'bundle.' });
    expect(exportAudit.items.map((entry) => entry.action)).toEqual(['bundle.export']);
  });
});
