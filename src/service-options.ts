// Maps the validated config and resolved secrets to the service container's options, for server and CLI alike.

import type { Config } from './config/config.js';
import type { ServerSecrets } from './config/secrets.js';
import type { RedisEndpoint } from './lib/redis-endpoint.js';
import type { ServiceOptions } from './services/container.js';

export function serviceOptionsFromConfig(
  config: Config,
  secrets: ServerSecrets,
  redis: RedisEndpoint,
  extra: Pick<
    ServiceOptions,
    | 'runJobs'
    | 'logger'
    | 'name'
    | 'leaseTtlMs'
    | 'sessionTtls'
    | 'dispatchers'
    | 'connectionTester'
    | 'onSettled'
  > & {
    /** Told of each notification delivery attempt (the relay's metrics count them). */
    onDelivery?: (channelKind: string, result: 'delivered' | 'retrying' | 'failed') => void;
  },
): ServiceOptions {
  return {
    redis,
    keyPrefix: config.redis.keyPrefix,
    encryptionKey: { id: secrets.encryptionKeyId, key: secrets.encryptionKey },
    tokenSigningKey: secrets.tokenSigningKey,
    apiKeyPrefix: config.apiKeys.prefix,
    maxKeysPerMember: config.apiKeys.maxPerMember,
    ledgerMaxEntries: config.requestLog.maxEntries,
    requestLogMaxAgeMs:
      config.requestLog.maxAgeHours === 0 ? undefined : config.requestLog.maxAgeHours * 3_600_000,
    bodyCapture: config.requestLog.bodies,
    requestLogArchive: config.requestLog.databaseUrl
      ? {
          databaseUrl: config.requestLog.databaseUrl,
          retentionDays: config.requestLog.archiveRetentionDays,
          backlogEntries: config.requestLog.archiveBacklog,
        }
      : undefined,
    operator: {
      delivery: {
        timeoutMs: config.notify.timeoutMs,
        backoff: { baseMs: config.notify.retryBaseMs, maxAttempts: config.notify.retryMaxAttempts },
        ...(extra.onDelivery ? { onDelivery: extra.onDelivery } : {}),
      },
      alerts: { tickMs: config.alerts.intervalMs },
    },
    retention: {
      hour: config.usage.hourlyRetentionDays,
      day: config.usage.dailyRetentionDays,
      month: config.usage.monthlyRetentionDays,
    },
    liveFeed: { tickIntervalMs: config.usage.liveTickIntervalMs },
    timeZone: config.limits.timeZone,
    weekStart: config.limits.weekStart,
    leaseTtlMs: config.limits.leaseTtlMs,
    reconcileIntervalMs: config.limits.reconcileIntervalMs,
    redisCommandTimeoutMs: config.redis.commandTimeoutMs,
    settleQueueMax: config.limits.settleQueueMax,
    defaultMaxOutputTokens: config.limits.defaultMaxOutputTokens,
    oauth: config.oauth,
    gateway: config.gateway,
    scheduling: {
      stickyTtlMs: config.scheduling.stickyTtlMs,
      overloadCooldownMs: config.scheduling.overloadCooldownMs,
      errorCooldownMs: config.scheduling.errorCooldownMs,
      rateLimitDefaultMs: config.scheduling.rateLimitDefaultMs,
      quotaCooldownMs: config.scheduling.quotaCooldownMs,
    },
    runJobs: extra.runJobs,
    logger: extra.logger,
    ...(extra.name === undefined ? {} : { name: extra.name }),
    ...(extra.leaseTtlMs === undefined ? {} : { leaseTtlMs: extra.leaseTtlMs }),
    ...(extra.sessionTtls === undefined ? {} : { sessionTtls: extra.sessionTtls }),
    ...(extra.dispatchers === undefined ? {} : { dispatchers: extra.dispatchers }),
    ...(extra.connectionTester === undefined ? {} : { connectionTester: extra.connectionTester }),
    ...(extra.onSettled === undefined ? {} : { onSettled: extra.onSettled }),
  };
}
