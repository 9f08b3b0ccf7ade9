// Reads Redis `INFO commandstats` straight from the server (not through the trip counter) and diffs it.
import type { Redis } from 'ioredis';

/** Calls per command, as counted by Redis; commands run inside Lua scripts are included. */
export type CommandCalls = Record<string, number>;

export async function readCommandCalls(redis: Redis): Promise<CommandCalls> {
  const text = await redis.info('commandstats');
  const calls: CommandCalls = {};
  for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    const [, command, count] = match;
    // Our own INFO calls are measurement, not load.
    if (command && count && command !== 'info') calls[command] = Number(count);
  }
  return calls;
}

export function diffCalls(before: CommandCalls, after: CommandCalls): CommandCalls {
  const delta: CommandCalls = {};
  for (const [command, count] of Object.entries(after)) {
    const change = count - (before[command] ?? 0);
    if (change > 0) delta[command] = change;
  }
  return delta;
}

export function sumCalls(calls: CommandCalls): number {
  return Object.values(calls).reduce((sum, count) => sum + count, 0);
}
