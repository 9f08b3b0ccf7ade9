// Where the relay's Redis is: one server by URL, or the primary that a set of Sentinels names. With Sentinel
// the client asks the Sentinels for the primary on every (re)connect, so a failover is followed without a
// restart: the connection to the old primary drops, requests meanwhile are refused (503) as during any outage,
// and the next connect reaches the promoted replica.
import type { RedisOptions } from 'ioredis';

export interface SentinelEndpoint {
  sentinels: ReadonlyArray<{ host: string; port: number }>;
  /** The monitored primary's name (`sentinel monitor <name> …`). */
  name: string;
  /** ACL user and password of the data nodes, when they require them. */
  username?: string | undefined;
  password?: string | undefined;
  /** The Sentinels' own password (`requirepass` in sentinel.conf), when set. */
  sentinelPassword?: string | undefined;
  /** TLS to the Sentinels and the data nodes alike. */
  tls: boolean;
}

export type RedisEndpoint = { url: string } | SentinelEndpoint;

export function isSentinel(endpoint: RedisEndpoint): endpoint is SentinelEndpoint {
  return 'sentinels' in endpoint;
}

/** The endpoint as it may be shown in messages and logs: never with a password. */
export function describeEndpoint(endpoint: RedisEndpoint): string {
  if (!isSentinel(endpoint)) return urlWithoutPassword(endpoint.url);
  const nodes = endpoint.sentinels.map(({ host, port }) => `${host}:${port}`).join(',');
  return `the primary "${endpoint.name}" of Sentinels ${nodes}`;
}

export function urlWithoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}

/** ioredis's constructor arguments for an endpoint, with the caller's connection options. */
export function clientArguments(
  endpoint: RedisEndpoint,
  options: RedisOptions,
): [string, RedisOptions] | [RedisOptions] {
  if (!isSentinel(endpoint)) return [endpoint.url, options];
  return [
    {
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
    },
  ];
}
