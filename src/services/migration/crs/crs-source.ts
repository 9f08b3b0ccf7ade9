// Read-only access to a Claude Relay Service Redis: the import never writes there. Only SCAN, TYPE and the
// read commands of each type are sent. SCAN is right here (an offline, one-off walk of someone else's data),
// and its duplicates are dropped, as SCAN may return a key twice.
import type { Redis } from 'ioredis';

export type CrsValue =
  | { type: 'hash'; fields: Record<string, string> }
  | { type: 'string'; value: string }
  | { type: 'set'; members: string[] }
  | { type: 'other'; redisType: string };

const BATCH = 200;

export class CrsSource {
  constructor(private readonly redis: Redis) {}

  /** Every key matching a glob pattern, sorted (so reports and runs are in a stable order). */
  async keys(pattern: string): Promise<string[]> {
    const found = new Set<string>();
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      for (const key of batch) found.add(key);
      cursor = next;
    } while (cursor !== '0');
    return [...found].sort();
  }

  /** The values of many keys, whatever their type; a key that vanished reads as `other` of type `none`. */
  async values(keys: readonly string[]): Promise<Map<string, CrsValue>> {
    const values = new Map<string, CrsValue>();
    for (let start = 0; start < keys.length; start += BATCH) {
      const batch = keys.slice(start, start + BATCH);
      const types = await this.run(batch.map((key) => ['type', key]));
      const reads = batch.map((key, index): [string, string] => {
        const type = String(types[index]);
        if (type === 'hash') return ['hgetall', key];
        if (type === 'string') return ['get', key];
        if (type === 'set') return ['smembers', key];
        return ['type', key];
      });
      const results = await this.run(reads);
      batch.forEach((key, index) => {
        const type = String(types[index]);
        const result = results[index];
        if (type === 'hash') values.set(key, { type, fields: result as Record<string, string> });
        else if (type === 'string') values.set(key, { type, value: String(result) });
        else if (type === 'set') values.set(key, { type, members: (result as string[]).sort() });
        else values.set(key, { type: 'other', redisType: type });
      });
    }
    return values;
  }

  async hash(key: string): Promise<Record<string, string> | undefined> {
    const value = (await this.values([key])).get(key);
    return value?.type === 'hash' ? value.fields : undefined;
  }

  async members(key: string): Promise<string[]> {
    const value = (await this.values([key])).get(key);
    return value?.type === 'set' ? value.members : [];
  }

  /** Plain string values of many keys (counters), undefined where absent or not a string. */
  async strings(keys: readonly string[]): Promise<Array<string | undefined>> {
    const values = await this.values(keys);
    return keys.map((key) => {
      const value = values.get(key);
      return value?.type === 'string' ? value.value : undefined;
    });
  }

  private async run(commands: Array<[string, string]>): Promise<unknown[]> {
    const results = (await this.redis.pipeline(commands).exec()) ?? [];
    return results.map(([error, value]) => {
      if (error) throw error;
      return value;
    });
  }
}
