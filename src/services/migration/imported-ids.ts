// Which of our records each imported record became, by where it came from (`crs`, `bundle`) and its id there.
// The id is claimed (HSETNX) before the record is written, so a run interrupted between the two finds the claim
// and writes the record under the same id: re-running an import, whole or interrupted, never makes a copy.
import { type IdKind, newId } from '../../lib/ids.js';
import type { RedisContext } from '../redis/record-store.js';

export class ImportedIds {
  constructor(
    private readonly context: RedisContext,
    private readonly source: 'crs' | 'bundle',
  ) {}

  /** Our id for a record, if an earlier run claimed one. */
  async find(ref: string): Promise<string | undefined> {
    return (await this.context.redis.hget(this.context.keys.importedIds(this.source), ref)) ?? undefined;
  }

  /** Records that a record matched one of ours that has its own id (a user with the same name). */
  async record(ref: string, id: string): Promise<void> {
    await this.context.redis.hset(this.context.keys.importedIds(this.source), ref, id);
  }

  /** Our id for a record: the one claimed before, or a new one claimed now. */
  async claim(ref: string, idPrefix: IdKind): Promise<string> {
    const key = this.context.keys.importedIds(this.source);
    const existing = await this.context.redis.hget(key, ref);
    if (existing) return existing;
    const id = newId(idPrefix);
    if ((await this.context.redis.hsetnx(key, ref, id)) === 1) return id;
    // Another run claimed it at the same moment.
    return (await this.context.redis.hget(key, ref)) ?? id;
  }
}

export const channelRef = (id: string) => `channel:${id}`;
export const alertRuleRef = (id: string) => `alert-rule:${id}`;
export const accountRef = (kind: string, id: string) => `account:${kind}:${id}`;
export const groupRef = (id: string) => `group:${id}`;
export const keyRef = (id: string) => `key:${id}`;
export const userRef = (id: string) => `user:${id}`;
