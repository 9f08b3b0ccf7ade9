// Which Redis the server uses: one server (REDIS_URL), a Sentinel-managed primary (REDIS_SENTINELS and its
// name), or neither: the embedded default. One mode, checked at boot with a message naming the variables.
import type { RedisEndpoint } from '../lib/redis-endpoint.js';
import type { ParsedEnv } from './env-schema.js';

/** The configured endpoint, undefined for the embedded default; throws an Error whose message is the problem. */
export function redisEndpointFromEnv(parsed: ParsedEnv): RedisEndpoint | undefined {
  const sentinelOnly = (
    [
      ['REDIS_SENTINEL_NAME', parsed.REDIS_SENTINEL_NAME],
      ['REDIS_SENTINEL_PASSWORD', parsed.REDIS_SENTINEL_PASSWORD],
      ['REDIS_USERNAME', parsed.REDIS_USERNAME],
      ['REDIS_PASSWORD', parsed.REDIS_PASSWORD],
      ['REDIS_TLS', parsed.REDIS_TLS ? 'true' : undefined],
    ] as const
  )
    .filter(([, value]) => value !== undefined)
    .map(([name]) => name);
  if (parsed.REDIS_SENTINELS === undefined) {
    if (sentinelOnly.length > 0) {
      throw new Error(
        `${sentinelOnly.join(', ')} applies only with REDIS_SENTINELS` +
          (parsed.REDIS_URL
            ? ' (with REDIS_URL, credentials and TLS go in the URL: rediss://user:password@host)'
            : ''),
      );
    }
    return parsed.REDIS_URL === undefined ? undefined : { url: parsed.REDIS_URL };
  }
  if (parsed.REDIS_URL !== undefined) {
    throw new Error('set either REDIS_URL or REDIS_SENTINELS, not both');
  }
  if (parsed.REDIS_SENTINEL_NAME === undefined) {
    throw new Error(
      'REDIS_SENTINEL_NAME is required with REDIS_SENTINELS (the name the Sentinels monitor the primary under)',
    );
  }
  return {
    sentinels: parsed.REDIS_SENTINELS,
    name: parsed.REDIS_SENTINEL_NAME,
    username: parsed.REDIS_USERNAME,
    password: parsed.REDIS_PASSWORD,
    sentinelPassword: parsed.REDIS_SENTINEL_PASSWORD,
    tls: parsed.REDIS_TLS,
  };
}
