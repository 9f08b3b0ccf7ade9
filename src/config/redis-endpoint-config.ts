// Which Redis the server uses: one server (REDIS_URL), a Sentinel-managed primary (REDIS_SENTINELS and its
// name), a Redis Cluster (REDIS_CLUSTER_NODES), or none of them: the embedded default. One mode, checked at boot
// with a message naming the variables.
import type { RedisEndpoint } from '../lib/redis-endpoint.js';
import type { ParsedEnv } from './env-schema.js';

/** The configured endpoint, undefined for the embedded default; throws an Error whose message is the problem. */
export function redisEndpointFromEnv(parsed: ParsedEnv): RedisEndpoint | undefined {
  const modes = (
    [
      ['REDIS_URL', parsed.REDIS_URL],
      ['REDIS_SENTINELS', parsed.REDIS_SENTINELS],
      ['REDIS_CLUSTER_NODES', parsed.REDIS_CLUSTER_NODES],
    ] as const
  )
    .filter(([, value]) => value !== undefined)
    .map(([name]) => name);
  if (modes.length > 1) throw new Error(`set only one of ${modes.join(' and ')}: they are different modes`);
  const nodeAuth = set([
    ['REDIS_USERNAME', parsed.REDIS_USERNAME],
    ['REDIS_PASSWORD', parsed.REDIS_PASSWORD],
    ['REDIS_TLS', parsed.REDIS_TLS ? 'true' : undefined],
  ]);
  const sentinelOnly = set([
    ['REDIS_SENTINEL_NAME', parsed.REDIS_SENTINEL_NAME],
    ['REDIS_SENTINEL_PASSWORD', parsed.REDIS_SENTINEL_PASSWORD],
  ]);
  const auth = { username: parsed.REDIS_USERNAME, password: parsed.REDIS_PASSWORD, tls: parsed.REDIS_TLS };
  if (parsed.REDIS_SENTINELS !== undefined) {
    if (parsed.REDIS_SENTINEL_NAME === undefined) {
      throw new Error(
        'REDIS_SENTINEL_NAME is required with REDIS_SENTINELS (the name the Sentinels monitor the primary under)',
      );
    }
    return {
      sentinels: parsed.REDIS_SENTINELS,
      name: parsed.REDIS_SENTINEL_NAME,
      sentinelPassword: parsed.REDIS_SENTINEL_PASSWORD,
      ...auth,
    };
  }
  if (sentinelOnly.length > 0)
    throw new Error(`${sentinelOnly.join(', ')} applies only with REDIS_SENTINELS`);
  if (parsed.REDIS_CLUSTER_NODES !== undefined) return { nodes: parsed.REDIS_CLUSTER_NODES, ...auth };
  if (nodeAuth.length > 0) {
    throw new Error(
      `${nodeAuth.join(', ')} applies only with REDIS_SENTINELS or REDIS_CLUSTER_NODES` +
        (parsed.REDIS_URL
          ? ' (with REDIS_URL, credentials and TLS go in the URL: rediss://user:password@host)'
          : ''),
    );
  }
  return parsed.REDIS_URL === undefined ? undefined : { url: parsed.REDIS_URL };
}

/** The names of the variables among `pairs` that are set. */
function set(pairs: ReadonlyArray<readonly [string, string | undefined]>): string[] {
  return pairs.filter(([, value]) => value !== undefined).map(([name]) => name);
}
