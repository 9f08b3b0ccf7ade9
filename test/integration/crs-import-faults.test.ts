// A CRS Redis is someone else's data, possibly hand-edited or written by another CRS version: records with
// unexpected types or fields are reported and skipped (or imported with a note), and the rest still arrive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPrincipal } from '../../src/cli/cli-principal.js';
import type { Services } from '../../src/services/container.js';
import type { ImportReport } from '../../src/services/migration/import-report.js';
import { createCrsBedrockAccount } from '../fixtures/crs/accounts/bedrock.js';
import { createCrsClaudeConsoleAccount } from '../fixtures/crs/accounts/claude-console.js';
import { createCrsGeminiApiAccount } from '../fixtures/crs/accounts/gemini-api.js';
import { createCrsApiKey } from '../fixtures/crs/crs-api-keys.js';
import { type CrsRedis, startCrsRedis } from '../support/crs-source.js';
import { createTestServices } from '../support/services.js';

const CRS_KEY = 'crs-faults-encryption-key-32chrs';
let crs: CrsRedis;
let services: Services;
let report: ImportReport;
const ids: Record<string, string> = {};
let goodKey = '';
let controlKey = '';

beforeAll(async () => {
  crs = await startCrsRedis();
  const redis = crs.redis;
  ids.console = (
    await createCrsClaudeConsoleAccount(redis, CRS_KEY, { apiUrl: 'http://127.0.0.1:9', apiKey: 'sk-ant-x' })
  ).id;
  ids.brokenProxy = (
    await createCrsClaudeConsoleAccount(redis, CRS_KEY, { apiUrl: 'http://127.0.0.1:9', apiKey: 'sk-ant-y' })
  ).id;
  await redis.hset(`claude_console_account:${ids.brokenProxy}`, 'proxy', '{"type":"socks5",');
  ids.bedrock = (await createCrsBedrockAccount(redis, CRS_KEY, { name: 'not json' })).id;
  await redis.set(`bedrock_account:${ids.bedrock}`, 'this is not JSON');
  ids.gemini = (await createCrsGeminiApiAccount(redis, CRS_KEY, { apiKey: 'AIza-x' })).id;
  // A sealed value that does not open with this key (sealed with another).
  await redis.hset(`gemini_api_account:${ids.gemini}`, 'apiKey', `${'ab'.repeat(16)}:${'cd'.repeat(16)}`);
  await redis.hset('claude_console_account:not-a-hash-id', 'x', '1');
  await redis.del('claude_console_account:not-a-hash-id');
  await redis.set('claude_console_account:a-string', 'surprise');

  const good = await createCrsApiKey(redis, CRS_KEY, { name: 'good' });
  goodKey = good.plaintext;
  ids.good = good.id;
  await redis.hset(`apikey:${good.id}`, 'permissions', '[broken json');
  const control = await createCrsApiKey(redis, CRS_KEY, { name: 'control', permissions: 'claude' });
  controlKey = control.plaintext;
  ids.control = control.id;
  ids.noHash = (await createCrsApiKey(redis, CRS_KEY, { name: 'no hash' })).id;
  await redis.hset(`apikey:${ids.noHash}`, 'apiKey', 'not-a-digest');
  await redis.set('apikey:0b9c2a34-string-typed', 'a key stored as a string');
  // A record of an account kind from a newer CRS.
  await redis.hset('quantum_account:q1', { id: 'q1', name: 'from the future', apiKey: 'x' });

  services = await createTestServices();
  report = await services.control.migration.importCrs(cliPrincipal(), redis, {
    encryptionKey: CRS_KEY,
    keyPrefix: 'cr_',
    timezoneOffset: 8,
    dryRun: false,
    sourceLabel: crs.url,
  });
});

afterAll(async () => {
  await services?.stop();
  await crs?.destroy();
});

function item(entity: string, sourceId: string) {
  const found = report.items.find(
    (candidate) => candidate.entity === entity && candidate.sourceId === sourceId,
  );
  if (!found) throw new Error(`no ${entity} ${sourceId} in the report`);
  return found;
}

describe('a CRS with unexpected records', () => {
  it('reports and skips what cannot be read, notes what was left out, imports the rest', async () => {
    expect(item('account', ids.console ?? '').outcome).toBe('imported');
    const proxy = item('account', ids.brokenProxy ?? '');
    expect(proxy.outcome).toBe('imported');
    expect(proxy.notes).toContain('proxy is not valid JSON; left out');
    expect(item('account', ids.bedrock ?? '')).toMatchObject({ outcome: 'skipped' });
    expect(item('account', ids.bedrock ?? '').reason).toMatch(/unreadable record/);
    const gemini = item('account', ids.gemini ?? '');
    expect(gemini).toMatchObject({
      outcome: 'skipped',
      reason: 'no API key (missing, or it could not be decrypted)',
    });
    expect(gemini.notes).toContain('apiKey could not be decrypted');
    expect(item('account', 'a-string')).toMatchObject({
      outcome: 'skipped',
      reason: 'stored as string, expected a hash',
    });

    expect(item('api-key', ids.noHash ?? '').reason).toMatch(/no usable key hash/);
    expect(item('api-key', '0b9c2a34-string-typed')).toMatchObject({
      outcome: 'skipped',
      reason: 'stored as string, expected a hash',
    });
    const good = item('api-key', ids.good ?? '');
    expect(good.outcome).toBe('imported');
    expect(good.notes).toContain('its permissions let it use no service in CRS: imported disabled');
    expect(report.warnings.join('\n')).toMatch(
      /quantum_account:\* look like accounts of a kind this import does not know/,
    );

    // CRS reads unreadable permissions as one unknown service, which permits nothing: the key stays unusable.
    await expect(services.apiKeys.authenticateEnabled(goodKey)).rejects.toThrow(/disabled/);
    expect(item('api-key', ids.control ?? '').outcome).toBe('imported');
    expect((await services.apiKeys.authenticateEnabled(controlKey)).platforms).toEqual(['claude']);
  });
});
