import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, readEnvironment } from '../../src/config/config.js';
import { resolveSecrets } from '../../src/config/secrets.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('has working defaults for the embedded mode', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(3000);
    expect(config.redis.endpoint).toBeUndefined();
    expect(config.redis.keyPrefix).toBe('relay:');
    expect(config.apiKeys.prefix).toBe('cr_');
    expect(config.http.bodyLimitBytes).toBe(32 * 1024 * 1024);
  });

  it("frees a dead instance's claims within about 15 seconds by default, and fails fast on a stuck Redis", () => {
    const { limits, redis } = loadConfig({});
    // A claim outlives its last renewal by the lease lifetime; the reconciler then needs at most one interval.
    expect(limits.leaseTtlMs + limits.reconcileIntervalMs).toBeLessThanOrEqual(15_000);
    // Live requests renew every third of the lifetime: two renewals may fail before a live claim expires.
    expect(limits.leaseTtlMs / 3).toBeGreaterThanOrEqual(limits.reconcileIntervalMs);
    // A client must hear of an outage within a second.
    expect(redis.commandTimeoutMs).toBeLessThan(1000);
    expect(limits.unpricedModels).toBe('allow');
  });

  it('keeps no metrics unless a scrape token or a port asks for them, and refuses a short token', () => {
    expect(loadConfig({}).metrics).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: 'scrape-token-0123456789' }).metrics).toEqual({
      token: 'scrape-token-0123456789',
      port: undefined,
      host: '127.0.0.1',
    });
    expect(loadConfig({ METRICS_PORT: '9464' }).metrics).toMatchObject({ token: undefined, port: 9464 });
    const short = problemsOf({ METRICS_TOKEN: 'short' });
    expect(short).toEqual(['METRICS_TOKEN must be at least 16 characters']);
    expect(problemsOf({ METRICS_PORT: '9464', WORKERS: '2' })[0]).toContain('METRICS_PORT needs WORKERS=1');
  });

  it('names the variable and the problem for bad values', () => {
    expect(problemsOf({ PORT: 'abc' })).toEqual(['PORT must be a whole number (got "abc")']);
    expect(problemsOf({ PORT: '70000' })[0]).toMatch(/^PORT must be at most 65535/);
    expect(problemsOf({ REDIS_URL: 'localhost:6379' })[0]).toMatch(
      /^REDIS_URL must be a redis:\/\/ or rediss:\/\//,
    );
    expect(problemsOf({ REDIS_URL: 'http://localhost:6379' })[0]).toMatch(/^REDIS_URL/);
    expect(problemsOf({ BODY_LIMIT: 'lots' })[0]).toMatch(/^BODY_LIMIT must be a size/);
    expect(problemsOf({ LOG_LEVEL: 'loud' })[0]).toMatch(/^LOG_LEVEL/);
    expect(problemsOf({ TRUST_PROXY: 'maybe' })[0]).toMatch(/^TRUST_PROXY must be true or false/);
  });

  it('takes one Redis mode: a URL, Sentinels with the name they monitor, a Cluster, or the embedded default', () => {
    const sentinels = { REDIS_SENTINELS: '10.0.0.1:26379, sentinel-b:26380,[::1]:26381' };
    expect(
      loadConfig({
        ...sentinels,
        REDIS_SENTINEL_NAME: 'relay',
        REDIS_PASSWORD: 'data secret',
        REDIS_SENTINEL_PASSWORD: 'sentinel secret',
        REDIS_TLS: 'true',
      }).redis.endpoint,
    ).toEqual({
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: 'sentinel-b', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      name: 'relay',
      username: undefined,
      password: 'data secret',
      sentinelPassword: 'sentinel secret',
      tls: true,
    });
    expect(problemsOf({ ...sentinels, REDIS_SENTINEL_NAME: 'relay', REDIS_URL: 'redis://a:6379' })).toEqual([
      'set only one of REDIS_URL and REDIS_SENTINELS: they are different modes',
    ]);
    const cluster = { REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2:7001' };
    expect(loadConfig({ ...cluster, REDIS_USERNAME: 'relay', REDIS_PASSWORD: 'p' }).redis.endpoint).toEqual({
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
      ],
      username: 'relay',
      password: 'p',
      tls: false,
    });
    expect(problemsOf({ ...cluster, ...sentinels, REDIS_SENTINEL_NAME: 'relay' })).toEqual([
      'set only one of REDIS_SENTINELS and REDIS_CLUSTER_NODES: they are different modes',
    ]);
    expect(problemsOf({ ...cluster, REDIS_SENTINEL_NAME: 'relay' })).toEqual([
      'REDIS_SENTINEL_NAME applies only with REDIS_SENTINELS',
    ]);
    expect(problemsOf({ REDIS_CLUSTER_NODES: '10.0.0.1:7000,' })[0]).toMatch(
      /^REDIS_CLUSTER_NODES must be host:port pairs separated by commas; "" is not/,
    );
    expect(problemsOf(sentinels)[0]).toMatch(/^REDIS_SENTINEL_NAME is required with REDIS_SENTINELS/);
    expect(problemsOf({ REDIS_SENTINELS: '10.0.0.1' })[0]).toMatch(
      /^REDIS_SENTINELS must be host:port pairs separated by commas; "10.0.0.1" is not/,
    );
    expect(problemsOf({ REDIS_SENTINELS: 'a:70000', REDIS_SENTINEL_NAME: 'relay' })[0]).toMatch(
      /^REDIS_SENTINELS must be host:port/,
    );
    // Credentials for the URL's server go in the URL; a password that would be silently ignored is refused.
    const stray = problemsOf({ REDIS_URL: 'redis://a:6379', REDIS_PASSWORD: 'secret' });
    expect(stray[0]).toMatch(
      /^REDIS_PASSWORD applies only with REDIS_SENTINELS or REDIS_CLUSTER_NODES \(with REDIS_URL, credentials/,
    );
    expect(stray.join('')).not.toContain('secret"');
  });

  it('reports every bad variable at once and never echoes secrets', () => {
    const problems = problemsOf({ PORT: 'x', ENCRYPTION_KEY: 'short-secret-value', ADMIN_PASSWORD: 'tiny' });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).not.toContain('short-secret-value');
    expect(problems.join('\n')).not.toContain('tiny');
  });

  it('parses sizes, flags and keys', () => {
    const config = loadConfig({
      BODY_LIMIT: '512kb',
      TRUST_PROXY: 'yes',
      REDIS_URL: 'redis://127.0.0.1:6380/2',
      ENCRYPTION_KEY: 'a'.repeat(64),
      TOKEN_SIGNING_KEY: 'x'.repeat(40),
    });
    expect(config.http.bodyLimitBytes).toBe(512 * 1024);
    expect(config.http.trustProxy).toBe(true);
    expect(config.redis.endpoint).toEqual({ url: 'redis://127.0.0.1:6380/2' });
    expect(config.secrets.encryptionKey?.length).toBe(32);
  });

  it('reads .env but lets the real environment win', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'relay-env-'));
    writeFileSync(path.join(dir, '.env'), 'PORT=4100\nLOG_LEVEL=debug\n');
    const env = readEnvironment({ LOG_LEVEL: 'warn' }, dir);
    const config = loadConfig(env);
    expect(config.http.port).toBe(4100);
    expect(config.log.level).toBe('warn');
  });
});

describe('server secrets', () => {
  it('generates secrets once under DATA_DIR with mode 0600 and reuses them', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-data-'));
    const config = loadConfig({ DATA_DIR: dataDir });
    const first = resolveSecrets(config);
    const file = path.join(dataDir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.encryptionKey.length).toBe(32);
    const second = resolveSecrets(config);
    expect(second.encryptionKey.equals(first.encryptionKey)).toBe(true);
    expect(second.tokenSigningKey).toBe(first.tokenSigningKey);
    expect(readFileSync(file, 'utf8')).toContain(first.tokenSigningKey);
  });

  it('requires them from the environment in production', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-data-'));
    const config = loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir });
    expect(() => resolveSecrets(config)).toThrow(/ENCRYPTION_KEY is required when NODE_ENV=production/);
    const ok = loadConfig({
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      TOKEN_SIGNING_KEY: 's'.repeat(48),
    });
    expect(resolveSecrets(ok).encryptionKey.equals(Buffer.alloc(32, 7))).toBe(true);
  });
});
