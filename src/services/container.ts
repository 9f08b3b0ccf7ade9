// Builds every service over its Redis connections; shared by the server, the admin CLI and the tests.
import type { Redis } from 'ioredis';
import type { Logger } from '../lib/logger.js';
import type { Weekday } from '../lib/weekdays.js';
import { AccountGroupService } from './accounts/account-group-service.js';
import { AccountHealth } from './accounts/account-health.js';
import { AccountService } from './accounts/account-service.js';
import type { HealthSettings } from './accounts/account-signals.js';
import { ConnectionTestLog } from './accounts/connection-tests.js';
import { AccountCredentials } from './accounts/credential-source.js';
import { OAuthClients } from './accounts/oauth/oauth-client.js';
import { OAuthFlow } from './accounts/oauth/oauth-flow.js';
import { type OAuthSettingsByKind, oauthSettingsOf } from './accounts/oauth/oauth-settings.js';
import { OAuthTokenManager } from './accounts/oauth/token-manager.js';
import type { UpstreamDispatchers } from './accounts/upstream-dispatchers.js';
import { AdmissionService } from './admission/admission-service.js';
import { LimitCalendar } from './admission/limit-periods.js';
import { Reconciler } from './admission/reconciler.js';
import { ApiKeyService } from './api-keys/api-key-service.js';
import { AuditLog } from './audit/audit-log.js';
import { AuthService } from './auth/auth-service.js';
import { DEFAULT_LOGIN_LIMITS, LoginLimiter, type LoginLimits } from './auth/login-limiter.js';
import { DEFAULT_SESSION_TTLS, SessionTokens } from './auth/session-tokens.js';
import type { AccountTesting, ConnectionTesterParts } from './control/account-admin.js';
import { ApiKeyAdmin } from './control/api-key-admin.js';
import { type ControlPlane, createControlPlane } from './control/control-plane.js';
import { SystemStatusService } from './control/system-status.js';
import { verifyEncryptionKey } from './crypto/key-check.js';
import { SecretBox } from './crypto/secret-box.js';
import { EventBus } from './events/event-bus.js';
import { createGatewayService } from './gateway/create-gateway.js';
import type { GatewayService } from './gateway/gateway-service.js';
import type { GatewaySettings } from './gateway/gateway-types.js';
import type { JobStatus } from './jobs/job-status.js';
import { LeaseKeeper } from './leases/lease-keeper.js';
import { DEFAULT_LIVE_FEED_OPTIONS, LiveFeed, type LiveFeedOptions } from './live/live-feed.js';
import { ManagedSettingsService } from './managed-settings/managed-settings-service.js';
import { ModelDirectory } from './models/model-directory.js';
import { createOperatorServices, type OperatorOptions, type OperatorServices } from './operator-services.js';
import { PricingService } from './pricing/pricing-service.js';
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
import type { BodyCapture, BodyCaptureSettings } from './request-log/body-capture.js';
import type { RequestLogService } from './request-log/request-log-service.js';
import { createRequestLog, type RequestLogParts } from './request-log/request-log-services.js';
import { AccountScheduler } from './scheduler/account-scheduler.js';
import { SpendLimitService } from './spend-limits/spend-limit-service.js';
import { UserSpend } from './spend-limits/user-spend.js';
import type { LedgerEntry } from './usage/ledger-entry.js';
import type { RetentionDays } from './usage/rollup-batch.js';
import { RollupJob } from './usage/rollup-job.js';
import { UsageQueryService } from './usage/usage-query-service.js';
import { UsageSettler } from './usage/usage-settler.js';
import { UserService } from './users/user-service.js';

export interface ServiceOptions {
  redisUrl: string;
  keyPrefix: string;
  encryptionKey: { id: string; key: Buffer };
  /** Signs control-plane access tokens (TOKEN_SIGNING_KEY). */
  tokenSigningKey: string;
  /** Lifetimes of control-plane sessions; the defaults are 15 minutes and 30 days. */
  sessionTtls?: { accessTtlMs: number; refreshTtlMs: number };
  /** Gateway sign-in lifetimes and limits (defaults: DEFAULT_GATEWAY_SETTINGS). */
  gateway?: Partial<GatewaySettings>;
  loginLimits?: LoginLimits;
  /** Keys one `member` user may own (default 10). */
  maxKeysPerMember?: number;
  apiKeyPrefix: string;
  ledgerMaxEntries: number;
  /** Notification delivery (timeouts, retries, the deliveries callback) and alert evaluation settings. */
  operator?: OperatorOptions;
  /** The request log's PostgreSQL archive (REQUEST_LOG_DATABASE_URL); off when not given. */
  requestLogArchive?: { databaseUrl: string; retentionDays: number; backlogEntries: number } | undefined;
  /** Body capture for the request log (REQUEST_LOG_BODIES and friends); off when not given. */
  bodyCapture?: BodyCaptureSettings;
  /** The request log's Redis window also ends at this age (REQUEST_LOG_MAX_AGE_HOURS); only the size bounds it when unset. */
  requestLogMaxAgeMs?: number | undefined;
  retention: RetentionDays;
  /** Leases and reservations live this long without renewal; bounds how long a crashed instance's claims linger. */
  leaseTtlMs?: number;
  /** How often the reconciler reclaims expired leases and reservations. */
  reconcileIntervalMs?: number;
  /** Bound on every Redis command of the command connection (default 750 ms). */
  redisCommandTimeoutMs?: number;
  /** Settles kept in memory while Redis is away (default 100,000). */
  settleQueueMax?: number;
  /** IANA zone and first weekday of the periods spend limits count in. */
  timeZone?: string;
  weekStart?: Weekday;
  /** Output bound for cost reservations of requests without `max_tokens`. */
  defaultMaxOutputTokens?: number;
  /** Endpoints, client and refresh skew per OAuth account kind; defaults are the vendors', as in the env schema. */
  oauth?: Partial<OAuthSettingsByKind>;
  /**
   * How calls services make for an account (OAuth refreshes) reach upstream: through the account's proxy, as
   * its relayed requests do. The composition root passes the relay's transports; without it, calls go direct.
   */
  dispatchers?: UpstreamDispatchers;
  /**
   * Builds the connection tester over the services it needs: tests go through the relay's own providers and
   * transports, which services cannot import. Without it (processes that never test) tests are refused.
   */
  connectionTester?: (parts: ConnectionTesterParts) => AccountTesting;
  /** Told of every ledger entry as a request settles (the relay's metrics count them); nothing by default. */
  onSettled?: (entry: LedgerEntry) => void;
  /** Sticky-session lifetime and how long accounts rest after each kind of upstream failure. */
  scheduling?: SchedulingOptions;
  /** Tick interval and per-subscription bound of live subscriptions (defaults: 500 ms, 500 events). */
  liveFeed?: Partial<LiveFeedOptions>;
  /** Whether this process runs background jobs (the server does; the CLI does not). */
  runJobs: boolean;
  logger: Logger;
  /** Connection name prefix shown in `CLIENT LIST`. */
  name?: string;
}

export interface SchedulingOptions extends HealthSettings {
  stickyTtlMs: number;
}

export const DEFAULT_SCHEDULING: SchedulingOptions = {
  stickyTtlMs: 300_000,
  overloadCooldownMs: 60_000,
  errorCooldownMs: 15_000,
  rateLimitDefaultMs: 60_000,
  quotaCooldownMs: 3_600_000,
};

export interface Services {
  context: RedisContext;
  bus: EventBus;
  users: UserService;
  auth: AuthService;
  audit: AuditLog;
  apiKeys: ApiKeyService;
  apiKeyAdmin: ApiKeyAdmin;
  control: ControlPlane;
  accounts: AccountService;
  /** Authorization-code flow that creates and re-authorises OAuth accounts (claude-oauth, openai-oauth). */
  oauth: OAuthFlow;
  /** Access tokens of OAuth accounts, refreshed across instances under a lock. */
  oauthTokens: OAuthTokenManager;
  /** The secret to present upstream for any account, at call time. */
  credentials: AccountCredentials;
  groups: AccountGroupService;
  health: AccountHealth;
  connectionTests: ConnectionTestLog;
  pricing: PricingService;
  scheduler: AccountScheduler;
  /** The models a key may use on a pool, for model lists the relay answers itself. */
  models: ModelDirectory;
  admission: AdmissionService;
  /** Claude Code's gateway sign-in: device flow, device tokens, bearer checks. */
  gateway: GatewayService;
  /** Spend caps per user and per user group, across all their keys (admission applies them). */
  spendLimits: SpendLimitService;
  /** Claude Code managed settings, served to signed-in devices. */
  managedSettings: ManagedSettingsService;
  reconciler: Reconciler;
  settler: UsageSettler;
  usage: UsageQueryService;
  /** Every settled request, newest first, filtered: the ledger read back (and the archive, when on). */
  requestLog: RequestLogService;
  /** Which requests' bodies the request log keeps, and where. */
  bodyCapture: BodyCapture;
  /** Notification channels, their deliveries, alert rules and their evaluator. */
  operator: OperatorServices;
  /** The request log's jobs: the retention of its Redis window and, when on, the archive's feed. */
  requestLogParts: RequestLogParts;
  rollups: RollupJob;
  leases: LeaseKeeper;
  /** Whether Redis answers, as requests have found: refuses them at once while it does not. */
  storeHealth: StoreHealth;
  /** Live events on this instance (ledger tail, usage ticks, account states), fed by pub/sub. */
  liveFeed: LiveFeed;
  /** This instance's background jobs and how their last passes went. */
  jobs(): JobStatus[];
  /** Waits for in-flight settles, stops jobs and closes every connection. */
  stop(): Promise<void>;
}

export async function createServices(options: ServiceOptions): Promise<Services> {
  const name = options.name ?? 'relay';
  const opened: Redis[] = [];
  const open = async (factory: typeof createRedisClient, role: string) => {
    const client = await factory({
      url: options.redisUrl,
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
    const auth = new AuthService(
      users,
      new SessionTokens(context, {
        signingKey: options.tokenSigningKey,
        ...(options.sessionTtls ?? DEFAULT_SESSION_TTLS),
      }),
      new LoginLimiter(context, options.loginLimits ?? DEFAULT_LOGIN_LIMITS),
      audit,
    );
    const apiKeys = new ApiKeyService(context, bus, { prefix: options.apiKeyPrefix });
    const spendLimits = new SpendLimitService(context, bus, users);
    const managedSettings = new ManagedSettingsService(context);
    const gateway = createGatewayService(
      { context, bus, users, apiKeys },
      options.tokenSigningKey,
      options.gateway,
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
    const control = createControlPlane({
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
      userSpend: new UserSpend(context, spendLimits, calendar),
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
