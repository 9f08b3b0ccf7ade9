// Commands that may touch keys in several cluster slots. On one Redis server (or a Sentinel-managed primary) they
// are what they look like: a pipeline, a transaction, an MGET. A Redis Cluster refuses those across slots, so
// there each command goes to its own slot's node, all of a batch's commands sent before any answer is awaited,
// so a batch costs one round trip per node touched, all in parallel.
import type { ChainableCommander, Cluster, Redis } from 'ioredis';
import { primaries, type RedisClient } from './connection.js';

/**
 * A pipeline whose commands may span slots: `exec()` resolves to one `[error, result]` per command, in order,
 * as a pipeline's does. Not atomic, as a pipeline is not.
 */
export function crossSlotPipeline(redis: RedisClient): ChainableCommander {
  return isCluster(redis) ? commandByCommand(redis) : redis.pipeline();
}

/**
 * Writes that belong together but live in different slots (a record and its index entries): a transaction on
 * one server, one command per slot on a cluster, where a write cut off halfway can leave an index entry without
 * its record or a record without its entry. Readers of such indexes skip entries whose record is missing
 * (`pageOfRecords`), and a record is found by its own key, so neither breaks a read.
 */
export function writeTogether(redis: RedisClient): ChainableCommander {
  return isCluster(redis) ? commandByCommand(redis) : redis.multi();
}

/** GET of several keys that may be in different slots; the values in the keys' order, null where missing. */
export async function getMany(redis: RedisClient, keys: string[]): Promise<Array<string | null>> {
  if (keys.length === 0) return [];
  if (!isCluster(redis)) return redis.mget(keys);
  return Promise.all(keys.map((key) => redis.get(key)));
}

/**
 * PUBLISH keeping one channel's messages in order. A cluster forwards a message from the node it was published
 * on to every other, and sends a PUBLISH (which names no key) to any node: two messages on one channel could
 * take different nodes and arrive swapped (a burst of errors before the successes settled just before them).
 * Each channel is published through one primary, chosen by the channel's name, so its messages keep their
 * order; a failover changes the choice once.
 */
export function publishInOrder(redis: RedisClient, channel: string, message: string): Promise<number> {
  if (!isCluster(redis)) return redis.publish(channel, message);
  const ready = primaries(redis)
    .filter((node) => node.status === 'ready')
    .sort((a, b) => nodeName(a).localeCompare(nodeName(b)));
  const node = ready[channelHash(channel) % Math.max(1, ready.length)];
  return node ? node.publish(channel, message) : redis.publish(channel, message);
}

function nodeName(node: Redis): string {
  return `${node.options.host}:${node.options.port}`;
}

function channelHash(channel: string): number {
  let hash = 0;
  for (let index = 0; index < channel.length; index += 1)
    hash = (hash * 31 + channel.charCodeAt(index)) >>> 0;
  return hash;
}

function isCluster(redis: RedisClient): redis is Cluster {
  return 'nodes' in redis;
}

/**
 * A stand-in for a pipeline on a cluster: records each command (our defined scripts included) and, on `exec()`,
 * issues them all at once, each to its slot's node, before awaiting any answer.
 */
function commandByCommand(cluster: Cluster): ChainableCommander {
  const queued: Array<{ method: (...args: unknown[]) => Promise<unknown>; args: unknown[] }> = [];
  const exec = async (): Promise<Array<[Error | null, unknown]>> =>
    Promise.all(
      queued.map(({ method, args }) =>
        method.apply(cluster, args).then(
          (result): [Error | null, unknown] => [null, result],
          (error: unknown): [Error | null, unknown] => [
            error instanceof Error ? error : new Error(String(error)),
            null,
          ],
        ),
      ),
    );
  const recorder: ChainableCommander = new Proxy(Object.create(null) as ChainableCommander, {
    get(_target, name) {
      if (name === 'exec') return exec;
      if (name === 'publish') {
        return (channel: string, message: string) => {
          queued.push({
            method: (...args) => publishInOrder(cluster, String(args[0]), String(args[1])),
            args: [channel, message],
          });
          return recorder;
        };
      }
      if (name === 'length') return queued.length;
      const method: unknown = typeof name === 'string' ? Reflect.get(cluster, name) : undefined;
      // Not thenable, and nothing but commands: a typo fails loudly instead of doing nothing.
      if (typeof method !== 'function' || name === 'then') return undefined;
      return (...args: unknown[]) => {
        queued.push({ method: method as (...values: unknown[]) => Promise<unknown>, args });
        return recorder;
      };
    },
  });
  return recorder;
}
