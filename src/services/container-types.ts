// What the service container takes (its options) and what it hands out (the services), apart from how it
// builds them (container.ts).
import type { Logger } from '../lib/logger.js';
import type { RedisEndpoint } from '../lib/redis-endpoint.js';
import type { Weekday } from '../lib/weekdays.js';
import type { AccountGroupService } from './accounts/account-group-service.js';
import type { AccountHealth } from './accounts/account-health.js';
import type { AccountService } from './accounts/account-service.js';
import type { HealthSettings } from './accounts/account-signals.js';
import type { ConnectionTestLog } from './accounts/connection-tests.js';
import type { AccountCredentials } from './accounts/credential-source.js';
import type { OAuthFlow } from './accounts/oauth/oauth-flow.js';
import type { OAuthSettingsByKind } from './accounts/oauth/oauth-settings.js';
import type { OAuthTokenManager } from './accounts/oauth/token-manager.js';
import type { UpstreamDispatchers } from './accounts/upstream-dispatchers.js';
import type { AdmissionService } from './admission/admission-service.js';
import type { Reconciler } from './admission/reconciler.js';
import type { ApiKeyService } from './api-keys/api-key-service.js';
import type { LegacyKeyHashes } from './api-keys/legacy-key-hashes.js';
import type { AuditLog } from './audit/audit-log.js';
import type { AuthService } from './auth/auth-service.js';
import type { LoginLimits } from './auth/login-limiter.js';
import type { AccountTesting, ConnectionTesterParts } from './control/account-admin.js';
import type { ApiKeyAdmin } from './control/api-key-admin.js';
import type { ControlPlane } from './control/control-plane.js';
import type { EventBus } from './events/event-bus.js';
import type { GatewayService } from './gateway/gateway-service.js';
import type { GatewaySettings } from './gateway/gateway-types.js';
import type { JobStatus } from './jobs/job-status.js';
import type { LeaseKeeper } from './leases/lease-keeper.js';
import type { LiveFeed, LiveFeedOptions } from './live/live-feed.js';
import type { ManagedSettingsService } from './managed-settings/managed-settings-service.js';
import type { ModelDirectory } from './models/model-directory.js';
import type { OperatorOptions, OperatorServices } from './operator-services.js';
import type { PricingService } from './pricing/pricing-service.js';
import type { RedisContext } from './redis/record-store.js';
import type { StoreHealth } from './redis/store-health.js';
import type { BodyCapture, BodyCaptureSettings } from './request-log/body-capture.js';
import type { RequestLogService } from './request-log/request-log-service.js';
import type { RequestLogParts } from './request-log/request-log-services.js';
import type { AccountScheduler } from './scheduler/account-scheduler.js';
import type { SpendLimitService } from './spend-limits/spend-limit-service.js';
import type { UserSpend } from './spend-limits/user-spend.js';
import type { LedgerEntry } from './usage/ledger-entry.js';
import type { RetentionDays } from './usage/rollup-batch.js';
import type { RollupJob } from './usage/rollup-job.js';
import type { UsageQueryService } from './usage/usage-query-service.js';
import type { UsageSettler } from './usage/usage-settler.js';
import type { UserService } from './users/user-service.js';

export interface ServiceOptions {
  /** REDIS_URL's server, or the primary REDIS_SENTINELS name. */
  redis: RedisEndpoint;
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
  /** Peppers of the key hashes imported from another relay (Claude Relay Service). */
  legacyKeyHashes: LegacyKeyHashes;
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
  /** What people spent this day, week and month across their keys, beside their caps. */
  userSpend: UserSpend;
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
