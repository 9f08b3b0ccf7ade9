// An import killed halfway (SIGKILL: no cleanup of any kind) and run again completes without a duplicate:
// every record is matched by its CRS id, whose id here is claimed before the record is written.
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/services/container.js';
import type { ImportReport } from '../../src/services/migration/import-report.js';
import { createCrsClaudeConsoleAccount } from '../fixtures/crs/accounts/claude-console.js';
import { createCrsApiKey } from '../fixtures/crs/crs-api-keys.js';
import { crsHashApiKey, crsNewApiKey } from '../fixtures/crs/crs-crypto.js';
import { type CliFixture, createCliFixture, runCli, spawnCli } from '../support/cli.js';
import { type CrsRedis, startCrsRedis } from '../support/crs-source.js';

const CRS_KEY = 'crs-interrupt-encryption-key-32c';
const KEYS = 600;

let crs: CrsRedis;
let cli: CliFixture;
let services: Services;
const plaintexts: string[] = [];

beforeAll(async () => {
  crs = await startCrsRedis();
  await createCrsClaudeConsoleAccount(crs.redis, CRS_KEY, {
    apiUrl: 'http://127.0.0.1:9',
    apiKey: 'sk-ant-x',
  });
  for (let index = 0; index < KEYS; index += 1) {
    const plaintext = crsNewApiKey();
    plaintexts.push(plaintext);
    await createCrsApiKey(crs.redis, CRS_KEY, { name: `key ${index}` }, { plaintext });
  }
  cli = await createCliFixture();
  services = await cli.servicesLikeCli();
}, 120_000);

afterAll(async () => {
  await cli?.cleanup();
  await crs?.destroy();
});

const ARGS = ['import', 'crs', '--encryption-key', '-', '--json'];

async function allKeys() {
  const keys = [];
  let cursor: string | undefined;
  do {
    const page = await services.apiKeys.list({ limit: 500, ...(cursor ? { cursor } : {}) });
    keys.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return keys;
}

describe('an interrupted import', () => {
  it('killed midway, then run again, ends with every record once', async () => {
    const ids = cli.t.keys.importedIds('crs');
    const child = spawnCli([...ARGS, '--redis', crs.url], cli.env, CRS_KEY);
    const closed = once(child, 'close');
    // Kill it once some keys are in and many are not.
    await expect.poll(() => cli.t.redis.hlen(ids), { timeout: 60_000, interval: 5 }).toBeGreaterThan(20);
    child.kill('SIGKILL');
    await closed;
    const written = (await allKeys()).length;
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(KEYS);

    const result = await runCli([...ARGS, '--redis', crs.url], cli.env, CRS_KEY);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as ImportReport;
    const { imported, unchanged, skipped } = report.totals['api-key'];
    expect(skipped).toBe(0);
    expect(imported + unchanged).toBe(KEYS);
    // Keys run one at a time: the kill may land after a key's record and before its index entries, when the
    // listing above misses that one key; the second run finds its record, puts its entries back and counts it
    // as unchanged.
    expect(KEYS - written - imported).toBeGreaterThanOrEqual(0);
    expect(KEYS - written - imported).toBeLessThanOrEqual(1);
    expect(report.totals.account.imported + report.totals.account.unchanged).toBe(1);

    const all = await allKeys();
    expect(all.length).toBe(KEYS);
    expect(new Set(all.map((key) => key.name)).size).toBe(KEYS);
    expect(await cli.t.redis.hlen(ids)).toBe(KEYS + 1);
    // Keys on both sides of the interruption authenticate with the plaintext CRS issued.
    for (const plaintext of [plaintexts[0], plaintexts[KEYS - 1]]) {
      const key = await services.apiKeys.authenticateEnabled(plaintext ?? '');
      expect(key.hint).toBe(`cr_…${plaintext?.slice(-4)}`);
    }
    expect(crsHashApiKey(plaintexts[0] ?? '', CRS_KEY)).toMatch(/^[0-9a-f]{64}$/);
  });
});
