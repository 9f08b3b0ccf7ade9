// Where the relay's Redis is: one server by URL, or the primary that a set of Sentinels names. Shared by the
// config that reads it and the services that connect to it, which must not import each other.
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
