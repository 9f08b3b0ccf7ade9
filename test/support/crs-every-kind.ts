// A Claude Relay Service built with the fixtures (which write Redis as CRS v1.1.314's own code does): one account of
// every kind the importer knows, groups with members, users owning keys, keys covering every option the importer
// maps, and usage recorded today. The crs-import-kinds tests import it and check what each record became here.
import type { Redis } from 'ioredis';
import { cliPrincipal } from '../../src/cli/cli-principal.js';
import type { ApiKey } from '../../src/services/api-keys/api-key-types.js';
import type { Services } from '../../src/services/container.js';
import type { ImportReport, ReportItem } from '../../src/services/migration/import-report.js';
import {
  activateCrsApiKey,
  type CreatedCrsApiKey,
  createCrsApiKey,
  crsGroupBinding,
  updateCrsApiKey,
} from '../fixtures/crs/crs-api-keys.js';
import { addCrsGroupMember, createCrsGroup } from '../fixtures/crs/crs-groups.js';
import { recordCrsUsage } from '../fixtures/crs/crs-usage.js';
import { createCrsUser, deleteCrsUser, updateCrsUserStatus } from '../fixtures/crs/crs-users.js';
import {
  CREATED,
  CRS_KEY,
  type EveryKindAccounts,
  writeEveryKindAccounts,
} from './crs-every-kind-accounts.js';
import type { CrsRedis } from './crs-source.js';

export {
  CLAUDE_EXPIRES_AT,
  CREATED,
  DROID_EXPIRES_AT,
  GEMINI_EXPIRES_AT,
  OPENAI_EXPIRES_IN_SECONDS,
} from './crs-every-kind-accounts.js';

export const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const KEY_EXPIRES_AT = '2031-03-04T05:06:07.000Z';

/** CRS ids of what the fixtures wrote, the keys as created (with their plaintext), and when one was activated. */
export interface EveryKindCrs {
  acc: EveryKindAccounts;
  grp: { claude: string; openai: string; gemini: string; droid: string };
  usr: { alice: string; bob: string; carol: string; dave: string };
  keys: {
    alice: CreatedCrsApiKey;
    window: CreatedCrsApiKey;
    days: CreatedCrsApiKey;
    hours: CreatedCrsApiKey;
    disabled: CreatedCrsApiKey;
    bob: CreatedCrsApiKey;
    dave: CreatedCrsApiKey;
  };
  /** The first request of `keys.hours`, an hour before the CRS was written. */
  hoursActivatedAt: Date;
}

/** Writes the whole CRS into `redis` (a CRS Redis of the test's own, from startCrsRedis). */
export async function writeEveryKindCrs(redis: Redis): Promise<EveryKindCrs> {
  // --- Accounts, one of every kind (two where a kind has two credential forms) ---
  const acc = await writeEveryKindAccounts(redis);

  // --- Groups with members, as the admin routes add them ---
  const grp = { claude: '', openai: '', gemini: '', droid: '' };
  grp.claude = (await createCrsGroup(redis, { name: 'claude-team-pool', platform: 'claude' })).id;
  await addCrsGroupMember(redis, grp.claude, acc.claudeGroup, 'claude');
  await addCrsGroupMember(redis, grp.claude, acc.console, 'claude-console');
  grp.openai = (
    await createCrsGroup(redis, { name: 'openai-pool', platform: 'openai', description: 'codex seats' })
  ).id;
  await addCrsGroupMember(redis, grp.openai, acc.openai, 'openai');
  await addCrsGroupMember(redis, grp.openai, acc.responses, 'openai');
  grp.gemini = (await createCrsGroup(redis, { name: 'gemini-pool', platform: 'gemini' })).id;
  await addCrsGroupMember(redis, grp.gemini, acc.gemini, 'gemini');
  await addCrsGroupMember(redis, grp.gemini, acc.geminiApi, 'gemini');
  grp.droid = (await createCrsGroup(redis, { name: 'droid-pool', platform: 'droid' })).id;
  await addCrsGroupMember(redis, grp.droid, acc.droidWorkos, 'droid');

  // --- Users, then the keys they own ---
  const usr = { alice: '', bob: '', carol: '', dave: '' };
  usr.alice = (await createCrsUser(redis, { username: 'alice', email: 'alice@example.com' })).id;
  usr.bob = (await createCrsUser(redis, { username: 'bob' })).id;
  usr.carol = (await createCrsUser(redis, { username: 'carol', role: 'admin' })).id;
  usr.dave = (await createCrsUser(redis, { username: 'dave' })).id;

  const kAlice = await createCrsApiKey(
    redis,
    CRS_KEY,
    {
      name: 'alice-main',
      description: 'Alice’s main key',
      permissions: ['claude', 'openai'],
      claudeAccountId: acc.claude,
      openaiAccountId: `responses:${acc.responses}`,
      geminiAccountId: `api:${acc.geminiApi}`,
      azureOpenaiAccountId: acc.azureEast,
      droidAccountId: acc.droidKeys,
      enableModelRestriction: true,
      restrictedModels: ['claude-opus-4-20250514', 'claude-opus-4-1-20250805'],
      enableClientRestriction: true,
      allowedClients: ['claude_code', 'codex_cli'],
      concurrencyLimit: 4,
      rateLimitWindow: 60,
      rateLimitRequests: 120,
      rateLimitCost: 7.5,
      dailyCostLimit: 20,
      totalCostLimit: 300,
      weeklyOpusCostLimit: 80,
      weeklyResetDay: 3,
      weeklyResetHour: 9,
      tags: ['team-a', ' prod '],
      expiresAt: KEY_EXPIRES_AT,
      userId: usr.alice,
      userUsername: 'alice',
    },
    { now: CREATED },
  );
  const kWindow = await createCrsApiKey(
    redis,
    CRS_KEY,
    {
      name: 'window-tokens',
      rateLimitWindow: 10,
      tokenLimit: 50_000,
      rateLimitCost: 3,
      claudeAccountId: crsGroupBinding(grp.claude),
      geminiAccountId: acc.gemini,
      droidAccountId: acc.droidWorkos,
      userId: usr.carol,
      userUsername: 'carol',
    },
    { now: CREATED },
  );
  const kDays = await createCrsApiKey(
    redis,
    CRS_KEY,
    {
      name: 'activation-days',
      expirationMode: 'activation',
      activationDays: 30,
      activationUnit: 'days',
      claudeConsoleAccountId: acc.console,
      bedrockAccountId: acc.bedrockAws,
      openaiAccountId: crsGroupBinding(grp.openai),
      geminiAccountId: crsGroupBinding(grp.gemini),
      droidAccountId: crsGroupBinding(grp.droid),
      userId: usr.alice,
      userUsername: 'alice',
    },
    { now: CREATED },
  );
  const kHours = await createCrsApiKey(
    redis,
    CRS_KEY,
    {
      name: 'activation-hours',
      expirationMode: 'activation',
      activationDays: 12,
      activationUnit: 'hours',
      permissions: ['droid'],
      bedrockAccountId: acc.bedrockBearer,
      openaiAccountId: acc.openai,
    },
    { now: CREATED },
  );
  // Its first request, an hour ago: CRS fixes the expiry then (12 hours on).
  const hoursActivatedAt = new Date(Date.now() - HOUR_MS);
  await activateCrsApiKey(redis, kHours.id, hoursActivatedAt);
  const kDisabled = await createCrsApiKey(
    redis,
    CRS_KEY,
    {
      name: 'switched-off',
      isActive: false,
      permissions: ['gemini'],
      claudeAccountId: acc.claudeGroup,
      azureOpenaiAccountId: acc.azureWest,
    },
    { now: CREATED },
  );
  const kBob = await createCrsApiKey(
    redis,
    CRS_KEY,
    { name: 'bob-key', userId: usr.bob, userUsername: 'bob' },
    { now: CREATED },
  );
  const kDave = await createCrsApiKey(
    redis,
    CRS_KEY,
    { name: 'dave-key', userId: usr.dave, userUsername: 'dave' },
    { now: CREATED },
  );

  // Permissions as older CRS versions stored them (normalizePermissions still reads both forms).
  await redis.hset(`apikey:${kWindow.id}`, 'permissions', 'all');
  await redis.hset(`apikey:${kDays.id}`, 'permissions', 'claude,gemini');

  // Bob is disabled (which disables his keys), then an admin switches his key back on: CRS still refuses it,
  // as validateApiKey checks the owner. Dave is deleted (his keys are disabled).
  await updateCrsUserStatus(redis, usr.bob, false);
  await updateCrsApiKey(redis, kBob.id, { isActive: true });
  await deleteCrsUser(redis, usr.dave);

  // --- Usage: three requests today (two Claude, one GPT) and one 40 days ago ---
  await recordCrsUsage(redis, kAlice.id, {
    model: 'claude-sonnet-4-20250514',
    inputTokens: 4000,
    outputTokens: 1000,
    costUsd: 3,
    accountId: acc.claude,
    accountType: 'claude-official',
    at: new Date(Date.now() - 40 * DAY_MS),
  });
  await recordCrsUsage(redis, kAlice.id, {
    model: 'claude-sonnet-4-20250514',
    inputTokens: 1000,
    outputTokens: 500,
    costUsd: 1.25,
    accountId: acc.claude,
    accountType: 'claude-official',
    at: new Date(),
  });
  await recordCrsUsage(redis, kAlice.id, {
    model: 'claude-3-5-haiku-20241022',
    inputTokens: 800,
    outputTokens: 200,
    costUsd: 0.5,
    accountId: acc.console,
    accountType: 'claude-console',
    at: new Date(),
  });
  await recordCrsUsage(redis, kAlice.id, {
    model: 'gpt-5',
    inputTokens: 300,
    outputTokens: 100,
    costUsd: 0.25,
    accountId: acc.responses,
    accountType: 'openai-responses',
    at: new Date(),
  });

  return {
    acc,
    grp,
    usr,
    keys: {
      alice: kAlice,
      window: kWindow,
      days: kDays,
      hours: kHours,
      disabled: kDisabled,
      bob: kBob,
      dave: kDave,
    },
    hoursActivatedAt,
  };
}

/** Imports the CRS into `services`, as the CLI does. */
export function importCrs(services: Services, crs: CrsRedis): Promise<ImportReport> {
  return services.control.migration.importCrs(cliPrincipal(), crs.redis, {
    encryptionKey: CRS_KEY,
    keyPrefix: 'cr_',
    timezoneOffset: 8,
    dryRun: false,
    sourceLabel: crs.url,
  });
}

export function item(report: ImportReport, entity: ReportItem['entity'], sourceId: string): ReportItem {
  const found = report.items.find(
    (candidate) => candidate.entity === entity && candidate.sourceId === sourceId,
  );
  if (!found) throw new Error(`no ${entity} ${sourceId} in the report`);
  return found;
}

/** Our id for an imported CRS record. */
export function ours(report: ImportReport, entity: ReportItem['entity'], sourceId: string): string {
  const found = item(report, entity, sourceId);
  if (!found.targetId) throw new Error(`${entity} ${sourceId} was not imported: ${found.reason ?? ''}`);
  return found.targetId;
}

export async function runtimeOf(services: Services, report: ImportReport, crsId: string) {
  const runtime = await services.accounts.loadRuntime(ours(report, 'account', crsId));
  if (!runtime) throw new Error(`account ${crsId} has no runtime`);
  return runtime;
}

export async function keyOf(
  services: Services,
  report: ImportReport,
  created: CreatedCrsApiKey,
): Promise<ApiKey> {
  return services.apiKeys.require(ours(report, 'api-key', created.id));
}
