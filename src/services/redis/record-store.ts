// Shared plumbing for services that keep one JSON record per entity: read-modify-write by compare-and-swap.
import type { ChainableCommander } from 'ioredis';
import { AppError } from '../../errors/app-error.js';
import type { RedisClient } from './connection.js';
import type { Keys } from './keys.js';
import type { ScriptRunner } from './scripts.js';

/** What a service needs to talk to Redis. */
export interface RedisContext {
  redis: RedisClient;
  keys: Keys;
  scripts: ScriptRunner;
}

export interface ModifyOptions<T> {
  /** Named in the error messages ("API key", "Account"). */
  noun: string;
  parse: (raw: string) => T;
}

/**
 * Reads the record, applies `change`, and writes it back only if nobody wrote in between; retries otherwise.
 * Returns the previous and the new value.
 */
export async function modifyRecord<T>(
  context: RedisContext,
  recordKey: string,
  id: string,
  options: ModifyOptions<T>,
  change: (current: T) => T,
): Promise<{ previous: T; next: T }> {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const raw = await context.redis.get(recordKey);
    if (!raw) throw new AppError('not_found', `${options.noun} ${id} does not exist`);
    const previous = options.parse(raw);
    const next = change(previous);
    const written = await context.scripts.run('record-swap', [recordKey], [raw, JSON.stringify(next)]);
    if (written === 1) return { previous, next };
  }
  throw new AppError('conflict', `${options.noun} ${id} is being changed concurrently; try again`);
}

/** Runs a pipeline and throws the first command error, which `exec()` otherwise only reports. */
export async function execOrThrow(pipeline: ChainableCommander): Promise<Array<[Error | null, unknown]>> {
  const results = (await pipeline.exec()) ?? [];
  const failed = results.find(([error]) => error);
  if (failed?.[0]) throw failed[0];
  return results;
}
