// Builds every service over its Redis connections; shared by the server, the admin CLI and the tests.

import { AccountGroupService } from './accounts/account-group-service.js';
import { AccountHealth } from './accounts/account-health.js';
import { AccountService } from './accounts/account-service.js';
import { ConnectionTestLog } from './accounts/connection-tests.js';
import { AccountCredentials } from './accounts/credential-source.js';
import { OAuthClients } from './accounts/oauth/oauth-client.js';
import { OAuthFlow } from './accounts/oauth/oauth-flow.js';
import { oauthSettingsOf } from './accounts/oauth/oauth-settings.js';
import { OAuthTokenManager } from './accounts/oauth/token-manager.js';
import { AdmissionService } from './admission/admission-service.js';
import { LimitCalendar } from './admission/limit-periods.js';
import { Reconciler } from './admission/reconciler.js';
import { ApiKeyService } from './api-keys/api-key-service.js';
import { LegacyKeyHashes } from './api-keys/legacy-key-hashes.js';
import { AuditLog } from './audit/audit-log.js';
import { AuthService } from './auth/auth-service.js';
import { DEFAULT_LOGIN_LIMITS, LoginLimiter } from './auth/login-limiter.js';
import { DEFAULT_SESSION_TTLS, SessionTokens } from './auth/session-tokens.js';
import { DEFAULT_SCHEDULING, type ServiceOptions, type Services } from './container-types.js';
import { ApiKeyAdmin } from './control/api-key-admin.js';
import { createControlPlane } from './control/control-plane.js';
import { SystemStatusService } from './control/system-status.js';
import { verifyEncryptionKey } from './crypto/key-check.js';
import { SecretBox } from './crypto/secret-box.js';
import { EventBus } from './events/event-bus.js';
import { createGatewayService } from './gateway/create-gateway.js';
import type { JobStatus } from './jobs/job-status.js';
import { LeaseKeeper } from './leases/lease-keeper.js';
import { DEFAULT_LIVE_FEED_OPTIONS, LiveFeed } from './live/live-feed.js';
import { ManagedSettingsService } from './managed-settings/managed-settings-service.js';
import { BundleService } from './migration/bundle/bundle-service.js';
import { CrsImport } from './migration/crs/crs-import.js';
import { ModelDirectory } from './models/model-directory.js';
import { createOperatorServices } from './operator-services.js';
import { PricingService } from './pricing/pricing-service.js';
import type { RedisClient } from './redis/connection.js';
import {
  closeRedis,
  createRedisClient,
  createSubscriberClient,
  DEFAULT_COMMAND_TIMEOUT_MS,
} from './redis/connection.js';
import { createKeys } from './redis/keys.js';
import type { RedisContext } from './redis/record-store.js';
import { ScriptRunner } from './redis/scripts.js';
import { StoreHealth } from './redis/store-health.js';
import { createRequestLog } from './request-log/request-log-services.js';
import { AccountScheduler } from './scheduler/account-scheduler.js';
import { SpendLimitService } from './spend-limits/spend-limit-service.js';
import { UserSpend } from './spend-limits/user-spend.js';
import { RollupJob } from './usage/rollup-job.js';
import { UsageQueryService } from './usage/usage-query-service.js';
import { UsageSettler } from './usage/usage-settler.js';
import { UserService } from './users/user-service.js';

export {
  DEFAULT_SCHEDULING,
  type SchedulingOptions,
  type ServiceOptions,
  type Services,
} from './container-types.js';

export async function createServices(options: ServiceOptions): Promise<Services> {
  const name = options.name ?? 'relay';
  const opened: RedisClient[] = [];
  const open = async (factory: typeof createRedisClient, role: string) => {
    const client = await factory({
      endpoint: options.redis,
      name: `${name}:${role}`,
      ...(options.redisCommandTimeoutMs === undefined
        ? {}
        : { commandTimeoutMs: options.redisCommandTimeoutMs }),
    });
    opened.push(client);
    return client;
  };
  try {
    const redis = await open(createRedisClient, 'main');
    const subscriber = await open(createSubscriberClient, 'events');
    const keys = createKeys(options.keyPrefix);
    const context: RedisContext = { redis, keys, scripts: new ScriptRunner(redis) };
    const storeHealth = new StoreHealth(redis, options.redisCommandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS);
    const bus = new EventBus(redis, subscriber, keys);
    const secretBox = new SecretBox({ current: options.encryptionKey });
    await verifyEncryptionKey(context, secretBox);

    const users = new UserService(context);
    const audit = new AuditLog(context);
    const legacyKeyHashes = new LegacyKeyHashes(context, bus, secretBox);
    const apiKeys = new ApiKeyService(context, bus, {
      prefix: options.apiKeyPrefix,
      legacy: legacyKeyHashes,
    });
    const spendLimits = new SpendLimitService(context, bus, users);
    const managedSettings = new ManagedSettingsService(context);
    const gateway = createGatewayService(
      { context, bus, users, apiKeys },
      options.tokenSigningKey,
      options.gateway,
    );
    const auth = new AuthService(
      users,
      new SessionTokens(context, {
        signingKey: options.tokenSigningKey,
        ...(options.sessionTtls ?? DEFAULT_SESSION_TTLS),
      }),
      new LoginLimiter(context, options.loginLimits ?? DEFAULT_LOGIN_LIMITS),
      audit,
      // A password change ends the user's device sign-ins too, at once on every instance.
      () => gateway.userChanged(),
    );
    const accounts = new AccountService(context, bus, secretBox);
    const oauthClients = new OAuthClients(oauthSettingsOf(options.oauth));
    const oauth = new OAuthFlow(context, accounts, oauthClients);
    const oauthTokens = new OAuthTokenManager(context, bus, accounts, oauthClients, {}, options.dispatchers);
    const credentials = new AccountCredentials(oauthTokens);
    const pricing = new PricingService(context, bus);
    const leases = new LeaseKeeper(redis, { ttlMs: options.leaseTtlMs ?? 10_000 });
    const scheduling = options.scheduling ?? DEFAULT_SCHEDULING;
    const groups = new AccountGroupService(context, bus, accounts);
    const health = new AccountHealth(context, bus, scheduling, options.logger);
    const scheduler = new AccountScheduler(context, accounts, leases, groups, {
      stickyTtlMs: scheduling.stickyTtlMs,
    });
    const calendar = new LimitCalendar(options.timeZone ?? 'UTC', options.weekStart ?? 'monday');
    const userSpend = new UserSpend(context, spendLimits, calendar);
    const admission = new AdmissionService(
      context,
      pricing,
      leases,
      calendar,
      bus,
      {
        leaseTtlMs: leases.ttlMs,
        defaultMaxOutputTokens: options.defaultMaxOutputTokens ?? 32_000,
        ...(options.settleQueueMax === undefined ? {} : { releaseQueueMax: options.settleQueueMax }),
      },
      options.logger,
      Date.now,
      spendLimits,
    );
    // Appends trim the stream only approximately, as a memory bound; with an archive that bound also holds the
    // entries waiting for it (its backlog), so an archiver down for a while loses nothing within the backlog.
    // The window itself is held to its exact size by the retention job, behind the archive.
    const appendCap = options.requestLogArchive
      ? Math.max(options.ledgerMaxEntries, options.requestLogArchive.backlogEntries)
      : options.ledgerMaxEntries;
    const reconciler = new Reconciler(
      context,
      pricing,
      {
        intervalMs: options.reconcileIntervalMs ?? 2_000,
        leaseTtlMs: leases.ttlMs,
        ledgerMaxEntries: appendCap,
      },
      options.logger,
    );
    const requestLogParts = await createRequestLog(
      context,
      {
        maxEntries: options.ledgerMaxEntries,
        maxAgeMs: options.requestLogMaxAgeMs,
        bodyCapture: options.bodyCapture,
        archive: options.requestLogArchive,
      },
      options.logger,
    );
    const { requestLog, bodyCapture } = requestLogParts;
    const settler = new UsageSettler(
      context,
      pricing,
      scheduler,
      admission,
      {
        ledgerMaxEntries: appendCap,
        ...(options.settleQueueMax === undefined ? {} : { retryQueueMax: options.settleQueueMax }),
        ...(options.onSettled === undefined ? {} : { onSettled: options.onSettled }),
        bodyCapture,
      },
      options.logger,
    );
    const usage = new UsageQueryService(context);
    const rollups = new RollupJob(context, { retention: options.retention }, options.logger);
    const operator = createOperatorServices(
      { context, bus, secretBox, accounts, health, apiKeys, admission, usage, logger: options.logger },
      options.operator,
    );
    const liveFeed = new LiveFeed(bus, { ...DEFAULT_LIVE_FEED_OPTIONS, ...options.liveFeed }, options.logger);

    // Their unsubscribe functions are not needed: closing the subscriber connection ends every subscription,
    // and an UNSUBSCRIBE sent to a Redis that went away would wait for it forever.
    await apiKeys.start();
    await legacyKeyHashes.start();
    await gateway.start();
    await spendLimits.start();
    await accounts.start();
    await oauthTokens.start();
    await groups.start();
    await pricing.start();
    await admission.start();
    if (options.runJobs) {
      leases.start();
      rollups.start();
      reconciler.start();
      requestLogParts.start();
      await operator.start();
    }

    // The jobs this instance runs (none in the CLI): what system status and `/ready` report.
    const jobs = (): JobStatus[] =>
      options.runJobs
        ? [
            rollups.status(),
            reconciler.status(),
            oauthTokens.status(),
            ...requestLogParts.jobs(),
            ...operator.jobs(),
          ]
        : [];
    const apiKeyAdmin = new ApiKeyAdmin(apiKeys, audit, {
      maxKeysPerMember: options.maxKeysPerMember ?? 10,
    });
    const connectionTests = new ConnectionTestLog(context);
    const crsImport = new CrsImport({
      context,
      accounts,
      groups,
      apiKeys,
      legacyKeyHashes,
      users,
      calendar,
    });
    const bundles = new BundleService({
      context,
      accounts,
      groups,
      users,
      apiKeys,
      legacyKeyHashes,
      operator,
      pricing,
      spendLimits,
      managedSettings,
    });
    const control = createControlPlane({
      crsImport,
      bundles,
      users,
      audit,
      apiKeys,
      apiKeyAdmin,
      accounts,
      health,
      connectionTests,
      oauth,
      connectionTester: options.connectionTester?.({
        accounts,
        health,
        credentials,
        log: connectionTests,
        logger: options.logger,
      }),
      groups,
      usage,
      admission,
      requestLog,
      bodyCapture,
      pricing,
      system: new SystemStatusService(context, settler, jobs),
      liveFeed,
      operator,
      gateway,
      spendLimits,
      userSpend,
      managedSettings,
    });

    const stop = async () => {
      // Live readers see their streams end rather than wait on a subscriber connection about to close.
      liveFeed.close();
      await operator.stop();
      await settler.drain();
      settler.close();
      admission.close();
      storeHealth.close();
      leases.stop();
      await rollups.stop();
      await reconciler.stop();
      await requestLogParts.stop();
      await Promise.all(opened.map((client) => closeRedis(client)));
    };
    return {
      context,
      bus,
      users,
      auth,
      audit,
      apiKeys,
      legacyKeyHashes,
      apiKeyAdmin,
      control,
      accounts,
      oauth,
      oauthTokens,
      credentials,
      groups,
      health,
      connectionTests,
      pricing,
      scheduler,
      models: new ModelDirectory(scheduler, accounts),
      admission,
      gateway,
      spendLimits,
      managedSettings,
      userSpend,
      reconciler,
      settler,
      usage,
      requestLog,
      bodyCapture,
      requestLogParts,
      operator,
      rollups,
      leases,
      storeHealth,
      liveFeed,
      jobs,
      stop,
    };
  } catch (error) {
    await Promise.all(opened.map((client) => closeRedis(client)));
    throw error;
  }
}
