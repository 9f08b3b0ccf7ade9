// ioredis client factory: one command connection per role plus dedicated subscriber connections.
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import {
  type ClusterEndpoint,
  isCluster,
  isSentinel,
  type RedisEndpoint,
  type SentinelEndpoint,
} from '../../lib/redis-endpoint.js';

/**
 * A connection to the relay's Redis, whichever the mode: one server or a Sentinel-managed primary (`Redis`), or
 * a Redis Cluster (`Cluster`, which routes each command to the node holding its key's slot). Both speak the
 * same commands; what the code may send a cluster (one slot per script, transaction and multi-key command) is
 * what every caller keeps to, so nothing needs to know which one it holds.
 */
export type RedisClient = Redis | Cluster;

/** The connections that hold the data: the one server, or each primary of a cluster. */
export function primaries(redis: RedisClient): Redis[] {
  return 'nodes' in redis ? redis.nodes('master') : [redis];
}

export interface RedisConnectionOptions {
  endpoint: RedisEndpoint;
  /** Shown in `CLIENT LIST`, which makes a misbehaving instance easy to find. */
  name: string;
  /** Bound on every command; default DEFAULT_COMMAND_TIMEOUT_MS. */
  commandTimeoutMs?: number;
}

/**
 * A healthy Redis answers in well under a millisecond; a command still unanswered after this long means a
 * frozen or overloaded server, and the request waiting on it is better refused (503) than held without bound.
 * Below a second, so that a client hears about an outage within one.
 */
export const DEFAULT_COMMAND_TIMEOUT_MS = 750;

function baseOptions(name: string): RedisOptions {
  return {
    connectionName: name,
    // Commands issued in the same tick share one write: fewer syscalls under load, same round-trip count.
    enableAutoPipelining: true,
    maxRetriesPerRequest: 2,
    // Reconnect attempts stay frequent, so service resumes within a fraction of a second of Redis returning.
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 250),
    lazyConnect: true,
  };
}

/**
 * The command connection fails fast when Redis is away: while disconnected, commands are refused at once
 * instead of queueing for a reconnect; every command is bounded by a timeout (a frozen server keeps the
 * socket open and answers nothing); and commands cut off by a dropped connection are not resent on
 * reconnect — their callers have already been told they failed, and retry what they must themselves.
 */
export async function createRedisClient(options: RedisConnectionOptions): Promise<RedisClient> {
  const client = newClient(options.endpoint, {
    ...baseOptions(options.name),
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
  });
  return connectOrClose(client);
}

/** Subscribers need their own connection: a subscribed connection cannot issue ordinary commands. */
export async function createSubscriberClient(options: RedisConnectionOptions): Promise<RedisClient> {
  const client = newClient(options.endpoint, {
    ...baseOptions(`${options.name}:sub`),
    enableAutoPipelining: false,
    // Subscriptions must survive reconnects; ioredis resubscribes when this is on.
    autoResubscribe: true,
    maxRetriesPerRequest: null,
  });
  return connectOrClose(client);
}

/**
 * With Sentinel the client asks the Sentinels for the primary on every (re)connect, so a failover is followed
 * without a restart: the connection to the old primary drops, requests meanwhile are refused (503) as during
 * any outage, and the next connect reaches the promoted replica. A cluster client does the same per slot.
 */
function newClient(endpoint: RedisEndpoint, options: RedisOptions): RedisClient {
  if (isCluster(endpoint)) return new Cluster([...endpoint.nodes], clusterOptions(endpoint, options));
  return isSentinel(endpoint)
    ? new Redis(sentinelOptions(endpoint, options))
    : new Redis(endpoint.url, options);
}

/**
 * A client whose first connect fails would otherwise keep retrying forever in the background, holding the
 * process open and reporting "Unhandled error event"; close it and surface the connect error instead.
 */
async function connectOrClose(client: RedisClient): Promise<RedisClient> {
  // Errors are also delivered to the awaiting caller or retried; without a listener ioredis prints them all.
  client.on('error', () => {});
  try {
    await client.connect();
    return client;
  } catch (error) {
    client.disconnect();
    throw error;
  }
}

/**
 * QUIT lets pending replies arrive first, but waits for a connection that may never come back (the subscriber
 * retries forever by design), which would hang shutdown when Redis is gone: only a ready client is asked to
 * QUIT, and only briefly.
 */
export async function closeRedis(client: RedisClient, timeoutMs = 1000): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  try {
    await Promise.race([client.quit().then(() => undefined), timeout]);
  } catch {
    // Falls through to disconnect.
  } finally {
    clearTimeout(timer);
  }
  client.disconnect();
}

/** The caller's connection options, for the primary the Sentinels name. */
function sentinelOptions(endpoint: SentinelEndpoint, options: RedisOptions): RedisOptions {
  return {
    ...options,
    sentinels: endpoint.sentinels.map(({ host, port }) => ({ host, port })),
    name: endpoint.name,
    role: 'master',
    ...(endpoint.username === undefined ? {} : { username: endpoint.username }),
    ...(endpoint.password === undefined ? {} : { password: endpoint.password }),
    ...(endpoint.sentinelPassword === undefined ? {} : { sentinelPassword: endpoint.sentinelPassword }),
    ...(endpoint.tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
    // Told of a promotion by the Sentinels' +switch-master, the client reconnects at once instead of waiting
    // for the old primary's socket to fail.
    failoverDetector: true,
    // Sentinels are asked again soon after a failed round: a failover takes seconds, not minutes.
    sentinelRetryStrategy: (attempt: number) => Math.min(100 * 2 ** attempt, 1000),
  };
}

/**
 * The caller's connection options, for the nodes of a cluster. The per-node options are the caller's; what
 * queues or retries is decided by the cluster client: with the offline queue off it refuses commands at once
 * while it has no slot map (as a single connection refuses them while disconnected), and it retries a command
 * sent to a failing or moving slot only briefly, so a request still hears about an outage within a second.
 *
 * No auto-pipelining on a cluster: ioredis batches a node's commands into one pipeline, and while a slot moves
 * such a batch is refused whole or not resent (a batch holding writes is not retried on MOVED or ASK), and a
 * redirected batch can even answer fewer replies than it had commands, which throws from inside the client
 * (ioredis issues 2075 and 1931; our resharding test met both). Sent one by one, each command follows its own
 * redirections; a batch's commands still all leave before any answer is awaited (see slot-spanning.ts).
 */
function clusterOptions(endpoint: ClusterEndpoint, options: RedisOptions): ClusterOptions {
  const {
    retryStrategy,
    enableOfflineQueue,
    lazyConnect,
    enableAutoPipelining: _batched,
    ...nodeOptions
  } = options;
  return {
    lazyConnect: lazyConnect ?? true,
    enableAutoPipelining: false,
    enableOfflineQueue: enableOfflineQueue ?? true,
    clusterRetryStrategy: (attempt) => retryStrategy?.(attempt) ?? 250,
    // A primary that died is replaced by its replica within the cluster's node timeout: the slot map is asked for
    // again soon, and a command meeting CLUSTERDOWN or a moved slot waits a little before its redirection.
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    retryDelayOnTryAgain: 50,
    maxRedirections: 8,
    slotsRefreshTimeout: 1000,
    slotsRefreshInterval: 5000,
    redisOptions: {
      ...nodeOptions,
      ...(endpoint.username === undefined ? {} : { username: endpoint.username }),
      ...(endpoint.password === undefined ? {} : { password: endpoint.password }),
      ...(endpoint.tls ? { tls: {} } : {}),
    },
  };
}
