// Where the relay's Redis is: one server by URL, the primary that a set of Sentinels names, or a Redis Cluster.
// Shared by the config that reads it and the services that connect to it, which must not import each other.
export interface HostPort {
  host: string;
  port: number;
}

/** ACL user, password and TLS of the data nodes, for the modes whose nodes are not named by one URL. */
interface NodeAuth {
  username?: string | undefined;
  password?: string | undefined;
  tls: boolean;
}

export interface SentinelEndpoint extends NodeAuth {
  sentinels: ReadonlyArray<HostPort>;
  /** The monitored primary's name (`sentinel monitor <name> …`). */
  name: string;
  /** The Sentinels' own password (`requirepass` in sentinel.conf), when set. */
  sentinelPassword?: string | undefined;
}

export interface ClusterEndpoint extends NodeAuth {
  /** Seed nodes: the client reads the slot map and the other nodes from the first that answers. */
  nodes: ReadonlyArray<HostPort>;
}

export type RedisEndpoint = { url: string } | SentinelEndpoint | ClusterEndpoint;

export function isSentinel(endpoint: RedisEndpoint): endpoint is SentinelEndpoint {
  return 'sentinels' in endpoint;
}

export function isCluster(endpoint: RedisEndpoint): endpoint is ClusterEndpoint {
  return 'nodes' in endpoint;
}

/** The endpoint as it may be shown in messages and logs: never with a password. */
export function describeEndpoint(endpoint: RedisEndpoint): string {
  if (isSentinel(endpoint)) {
    return `the primary "${endpoint.name}" of Sentinels ${hostPorts(endpoint.sentinels)}`;
  }
  if (isCluster(endpoint)) return `the Redis Cluster of ${hostPorts(endpoint.nodes)}`;
  return urlWithoutPassword(endpoint.url);
}

/** The `host:port,host:port` form the environment variables take. */
export function hostPorts(nodes: ReadonlyArray<HostPort>): string {
  return nodes
    .map(({ host, port }) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`))
    .join(',');
}

export function urlWithoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}
