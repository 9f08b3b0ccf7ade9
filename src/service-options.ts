// Maps the validated config and resolved secrets to the service container's options, for server and CLI alike.

import type { Config } from './config/config.js';
import type { ServerSecrets } from './config/secrets.js';
import type { ServiceOptions } from './services/container.js';

export function serviceOptionsFromConfig(
  config: Config,
  secrets: ServerSecrets,
  redisUrl: string,
  extra: Pick<
    ServiceOptions,
    'runJobs' | 'logger' | 'name' | 'leaseTtlMs' | 'dispatchers' | 'connectionTester' | 'onSettled'
  >,
): ServiceOptions {
  return {
    redisUrl,
    keyPrefix: config.redis.keyPrefix,
    encryptionKey: { id: secrets.encryptionKeyId, key: secrets.encryptionKey },
    tokenSigningKey: secrets.tokenSigningKey,
    apiKeyPrefix: config.apiKeys.prefix,
    maxKeysPerMember: config.apiKeys.maxPerMember,
    ledgerMaxEntries: config.requestLog.maxEntries,
    requestLogMaxAgeMs:
      config.requestLog.maxAgeHours === 0 ? undefined : config.requestLog.maxAgeHours * 3_600_000,
    bodyCapture: config.requestLog.bodies,
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
    scheduling: {
      stickyTtlMs: config.scheduling.stickyTtlMs,
      overloadCooldownMs: config.scheduling.overloadCooldownMs,
      errorCooldownMs: config.scheduling.errorCooldownMs,
      rateLimitDefaultMs: config.scheduling.rateLimitDefaultMs,
      quotaCooldownMs: config.scheduling.quotaCooldownMs,
    },
    ...extra,
  };
}
