// Imports a running Claude Relay Service's accounts, groups, users and API keys from its Redis (read only),
// keeping every key's plaintext working here. Everything is read and mapped first; a wrong CRS encryption key
// is refused then, before anything is written. Re-running is safe: each record is matched by its CRS id.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AppError } from '../../../errors/app-error.js';
import type { AccountGroupService } from '../../accounts/account-group-service.js';
import type { AccountService } from '../../accounts/account-service.js';
import type { LimitCalendar } from '../../admission/limit-periods.js';
import type { ApiKeyService } from '../../api-keys/api-key-service.js';
import type { LegacyKeyHashes } from '../../api-keys/legacy-key-hashes.js';
import type { RedisContext } from '../../redis/record-store.js';
import type { UserService } from '../../users/user-service.js';
import { type ImportReport, totalsOf } from '../import-report.js';
import { ImportedIds } from '../imported-ids.js';
import {
  type CrsPlan,
  readAccounts,
  readGroups,
  readKeys,
  readUsers,
  unknownAccountKinds,
} from './crs-read.js';
import { CrsSecrets } from './crs-secrets.js';
import { CrsSource } from './crs-source.js';
import { writeAccounts, writeGroups, writeKeys, writeUsers } from './crs-write.js';

export interface CrsImportDeps {
  context: RedisContext;
  accounts: AccountService;
  groups: AccountGroupService;
  apiKeys: ApiKeyService;
  legacyKeyHashes: LegacyKeyHashes;
  users: UserService;
  calendar: LimitCalendar;
}

export interface CrsImportOptions {
  /** CRS's ENCRYPTION_KEY: opens its account secrets, and is the pepper of its key hashes. */
  encryptionKey: string;
  /** CRS's API_KEY_PREFIX (`cr_` unless changed there). */
  keyPrefix: string;
  /** CRS's TIMEZONE_OFFSET in hours (8 unless set): the zone its daily and weekly counters are dated in. */
  timezoneOffset: number;
  dryRun: boolean;
  /** Where the data came from, for the report (a Redis URL without its password). */
  sourceLabel: string;
  now?: () => number;
}

export class CrsImport {
  constructor(private readonly deps: CrsImportDeps) {}

  async run(redis: Redis, options: CrsImportOptions): Promise<ImportReport> {
    if (!options.encryptionKey) throw new AppError('invalid_request', 'The CRS encryption key is empty');
    const now = (options.now ?? Date.now)();
    const source = new CrsSource(redis);
    const secrets = new CrsSecrets(options.encryptionKey);
    const plan: CrsPlan = {
      accounts: await readAccounts(source, secrets),
      groups: await readGroups(source),
      users: await readUsers(source),
      keys: await readKeys(source, now, options.timezoneOffset),
      warnings: await unknownAccountKinds(source),
    };
    refuseWrongKey(secrets, plan);
    const ids = new ImportedIds(this.deps.context, 'crs');
    const context = { deps: this.deps, ids, dryRun: options.dryRun, now };
    const items = [
      ...(await writeAccounts(context, plan.accounts)),
      ...(await writeGroups(context, plan.groups, plan.accounts)),
      ...(await writeUsers(context, plan.users, () => randomBytes(32).toString('base64url'))),
    ];
    const pepperId = options.dryRun
      ? undefined
      : await this.deps.legacyKeyHashes.add(options.keyPrefix, options.encryptionKey);
    items.push(
      ...(await writeKeys(context, plan.keys, { pepperId, keyPrefix: options.keyPrefix, users: plan.users })),
    );
    return {
      dryRun: options.dryRun,
      source: options.sourceLabel,
      items,
      warnings: plan.warnings,
      totals: totalsOf(items),
    };
  }
}

/**
 * CRS hands back the stored text when a secret does not decrypt, so a wrong key goes unnoticed there until
 * upstream refuses the garbage. Here: if most sealed secrets do not open, the key is wrong, and nothing is
 * written. (Its key hashes cannot be checked without a plaintext key.)
 */
function refuseWrongKey(secrets: CrsSecrets, plan: CrsPlan): void {
  const { sealed, opened } = secrets.tally;
  if (sealed === 0) {
    plan.warnings.push(
      'No sealed account secret to check the CRS encryption key against: if it is wrong, imported keys will not authenticate',
    );
    return;
  }
  if (opened * 2 < sealed) {
    throw new AppError(
      'invalid_request',
      `The CRS encryption key opens ${opened} of the ${sealed} sealed account secrets in this CRS: it is not the ENCRYPTION_KEY this CRS runs with. Nothing was imported.`,
    );
  }
}
