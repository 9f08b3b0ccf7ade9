// Turns the environment (plus an optional .env file) into the typed Config, or a ConfigError naming the variable.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseEnv } from 'node:util';
import type { z } from 'zod';
import type { RedisEndpoint } from '../lib/redis-endpoint.js';
import { type OtelSettings, otelOptionsFromEnv } from '../observability/otel/otel-options.js';
import { envSchema, type ParsedEnv } from './env-schema.js';
import { redisEndpointFromEnv } from './redis-endpoint-config.js';

export type LogLevel = ParsedEnv['LOG_LEVEL'];

/** A token endpoint, the client the relay presents there, and when its tokens are refreshed. */
export interface TokenClientConfig {
  tokenUrl: string;
  clientId: string;
  refreshSkewMs: number;
  /** Sent with token requests by clients that have one (Google's installed-app client). */
  clientSecret?: string;
}

/** One OAuth client: also where users sign in to it through the relay. */
export interface OAuthClientConfig extends TokenClientConfig {
  authorizeUrl: string;
  redirectUri: string;
  scopes: string;
}

export interface Config {
  env: ParsedEnv['NODE_ENV'];
  /** `relay`: the relay API only; the control plane is neither served nor loaded (SERVER_ROLE). */
  role: 'all' | 'relay';
  http: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    shutdownTimeoutMs: number;
    trustProxy: boolean;
    /** Worker processes (1 = no cluster). */
    workers: number;
    /** How long a connection may take over each part of a request, and how many may be held anonymously. */
    connections: {
      headersTimeoutMs: number;
      requestTimeoutMs: number;
      bodyIdleTimeoutMs: number;
      keepAliveTimeoutMs: number;
      maxUnauthenticated: number;
    };
  };
  graphql: {
    /** Web origins allowed by CORS (exact match); empty means no CORS headers at all. */
    corsOrigins: readonly string[];
    introspection: boolean;
  };
  /** OpenTelemetry export (OTEL_EXPORTER_OTLP_ENDPOINT and the standard OTEL_* variables); undefined when off. */
  otel: Required<OtelSettings> | undefined;
  /** Prometheus metrics; undefined when neither a scrape token nor a port of their own is configured. */
  metrics: { token: string | undefined; port: number | undefined; host: string } | undefined;
  log: { level: LogLevel };
  dataDir: string;
  redis: {
    /**
     * REDIS_URL or REDIS_SENTINELS; undefined means the embedded default: the server starts and owns its own
     * redis-server.
     */
    endpoint: RedisEndpoint | undefined;
    keyPrefix: string;
    serverBin: string;
    /** Bound on every command; a frozen Redis costs a request at most this long. */
    commandTimeoutMs: number;
  };
  /** Secrets as configured; `resolveSecrets` fills the gaps in the embedded default. */
  secrets: {
    encryptionKey: Buffer | undefined;
    encryptionKeyId: string | undefined;
    tokenSigningKey: string | undefined;
  };
  admin: { username: string; password: string | undefined };
  apiKeys: { prefix: string; maxPerMember: number };
  upstream: { connectTimeoutMs: number; firstByteTimeoutMs: number; idleTimeoutMs: number };
  limits: {
    timeZone: string;
    weekStart: ParsedEnv['WEEK_START'];
    /** Lifetime of leases and reservations without renewal: how long a crashed instance's claims linger. */
    leaseTtlMs: number;
    reconcileIntervalMs: number;
    defaultMaxOutputTokens: number;
    /** Settles kept in memory while Redis is away. */
    settleQueueMax: number;
    /** What happens to a request for a model with no known price. */
    unpricedModels: ParsedEnv['UNPRICED_MODELS'];
  };
  /** Claude Code's gateway sign-in: lifetimes of its codes and tokens. */
  gateway: {
    accessTtlMs: number;
    refreshTtlMs: number;
    deviceCodeTtlMs: number;
    pollIntervalMs: number;
  };
  scheduling: {
    /** How long a session stays pinned to its account without a request; the prompt cache's lifetime. */
    stickyTtlMs: number;
    /** Accounts one request may try before its failure is the client's answer. */
    failoverMaxAttempts: number;
    overloadCooldownMs: number;
    errorCooldownMs: number;
    rateLimitDefaultMs: number;
    quotaCooldownMs: number;
  };
  /** Endpoints and client per OAuth account kind, keyed by account type as the services' settings are. */
  oauth: {
    'claude-oauth': OAuthClientConfig;
    'openai-oauth': OAuthClientConfig;
    'gemini-oauth': OAuthClientConfig;
    /** Refresh only: Droid's WorkOS tokens are brought from the Droid CLI, not signed in here. */
    droid: TokenClientConfig;
  };
  requestLog: {
    /** The Redis window: at most this many entries, none older than maxAgeHours (0: size only). */
    maxEntries: number;
    maxAgeHours: number;
    /** The PostgreSQL archive; undefined when off. */
    databaseUrl: string | undefined;
    archiveRetentionDays: number;
    /** Entries kept in Redis for the archive beyond the window while it cannot take them. */
    archiveBacklog: number;
    bodies: { mode: 'off' | 'on'; sampleRate: number; maxBytes: number; retentionHours: number };
  };
  notify: { timeoutMs: number; retryBaseMs: number; retryMaxAttempts: number };
  alerts: { intervalMs: number };
  usage: {
    hourlyRetentionDays: number;
    dailyRetentionDays: number;
    monthlyRetentionDays: number;
    liveTickIntervalMs: number;
    liveMaxConnections: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads `.env` from the working directory if present; variables already in the environment win. */
export function readEnvironment(processEnv: Env = process.env, cwd = process.cwd()): Env {
  const file = path.join(cwd, '.env');
  if (!existsSync(file)) return processEnv;
  const fromFile = parseEnv(readFileSync(file, 'utf8'));
  return { ...fromFile, ...processEnv };
}

export function loadConfig(env: Env): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) throw new ConfigError(describeIssues(result.error, env));
  // What the schema alone cannot check: the OTEL_* variables, and which Redis mode the REDIS_* ones name.
  let otel: Required<OtelSettings> | undefined;
  let redisEndpoint: RedisEndpoint | undefined;
  try {
    otel = otelOptionsFromEnv(env);
    redisEndpoint = redisEndpointFromEnv(result.data);
  } catch (error) {
    throw new ConfigError([(error as Error).message]);
  }
  const config = { ...toConfig(result.data, redisEndpoint), otel };
  // Each worker keeps its own counters and would try to take the one port: that needs the primary to gather
  // them, which this build does not do yet.
  if (config.metrics?.port !== undefined && config.http.workers > 1) {
    throw new ConfigError([
      'METRICS_PORT needs WORKERS=1 (each worker keeps its own metrics); use METRICS_TOKEN',
    ]);
  }
  return config;
}

function describeIssues(error: z.ZodError, env: Env): string[] {
  return error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment');
    const raw = env[name];
    // Never echo secrets back, even malformed ones.
    const shown =
      raw === undefined || /KEY|PASSWORD|SECRET|TOKEN/.test(name) ? '' : ` (got ${JSON.stringify(raw)})`;
    return `${name} ${issue.message}${shown}`;
  });
}

function toConfig(parsed: ParsedEnv, redisEndpoint: RedisEndpoint | undefined): Omit<Config, 'otel'> {
  return {
    env: parsed.NODE_ENV,
    role: parsed.SERVER_ROLE,
    http: {
      host: parsed.HOST,
      port: parsed.PORT,
      bodyLimitBytes: parsed.BODY_LIMIT,
      shutdownTimeoutMs: parsed.SHUTDOWN_TIMEOUT_MS,
      trustProxy: parsed.TRUST_PROXY,
      workers: parsed.WORKERS === 0 ? availableParallelism() : parsed.WORKERS,
      connections: {
        headersTimeoutMs: parsed.HTTP_HEADERS_TIMEOUT_MS,
        requestTimeoutMs: parsed.HTTP_REQUEST_TIMEOUT_MS,
        bodyIdleTimeoutMs: parsed.HTTP_BODY_IDLE_TIMEOUT_MS,
        keepAliveTimeoutMs: parsed.HTTP_KEEP_ALIVE_TIMEOUT_MS,
        maxUnauthenticated: parsed.HTTP_MAX_UNAUTHENTICATED_CONNECTIONS,
      },
    },
    graphql: {
      corsOrigins: parsed.CORS_ORIGINS,
      // A public schema helps tools in development; in production it maps the attack surface for anyone.
      introspection: parsed.GRAPHQL_INTROSPECTION ?? parsed.NODE_ENV !== 'production',
    },
    metrics:
      parsed.METRICS_TOKEN === undefined && parsed.METRICS_PORT === undefined
        ? undefined
        : { token: parsed.METRICS_TOKEN, port: parsed.METRICS_PORT, host: parsed.METRICS_HOST },
    log: { level: parsed.LOG_LEVEL },
    dataDir: path.resolve(parsed.DATA_DIR),
    redis: {
      endpoint: redisEndpoint,
      keyPrefix: parsed.REDIS_KEY_PREFIX,
      serverBin: parsed.REDIS_SERVER_BIN,
      commandTimeoutMs: parsed.REDIS_COMMAND_TIMEOUT_MS,
    },
    secrets: {
      encryptionKey: parsed.ENCRYPTION_KEY,
      encryptionKeyId: parsed.ENCRYPTION_KEY_ID,
      tokenSigningKey: parsed.TOKEN_SIGNING_KEY,
    },
    admin: { username: parsed.ADMIN_USERNAME, password: parsed.ADMIN_PASSWORD },
    apiKeys: { prefix: parsed.API_KEY_PREFIX, maxPerMember: parsed.MEMBER_MAX_KEYS },
    upstream: {
      connectTimeoutMs: parsed.UPSTREAM_CONNECT_TIMEOUT_MS,
      firstByteTimeoutMs: parsed.UPSTREAM_FIRST_BYTE_TIMEOUT_MS,
      idleTimeoutMs: parsed.UPSTREAM_IDLE_TIMEOUT_MS,
    },
    limits: {
      timeZone: parsed.TIME_ZONE,
      weekStart: parsed.WEEK_START,
      leaseTtlMs: parsed.LEASE_TTL_MS,
      reconcileIntervalMs: parsed.RECONCILE_INTERVAL_MS,
      defaultMaxOutputTokens: parsed.DEFAULT_MAX_OUTPUT_TOKENS,
      settleQueueMax: parsed.SETTLE_QUEUE_MAX,
      unpricedModels: parsed.UNPRICED_MODELS,
    },
    gateway: {
      accessTtlMs: parsed.GATEWAY_ACCESS_TOKEN_TTL_SECONDS * 1000,
      refreshTtlMs: parsed.GATEWAY_REFRESH_TOKEN_TTL_DAYS * 86_400_000,
      deviceCodeTtlMs: parsed.GATEWAY_DEVICE_CODE_TTL_SECONDS * 1000,
      pollIntervalMs: parsed.GATEWAY_POLL_INTERVAL_SECONDS * 1000,
    },
    scheduling: {
      stickyTtlMs: parsed.STICKY_SESSION_TTL_SECONDS * 1000,
      failoverMaxAttempts: parsed.FAILOVER_MAX_ATTEMPTS,
      overloadCooldownMs: parsed.OVERLOAD_COOLDOWN_MS,
      errorCooldownMs: parsed.ERROR_COOLDOWN_MS,
      rateLimitDefaultMs: parsed.RATE_LIMIT_DEFAULT_MS,
      quotaCooldownMs: parsed.QUOTA_COOLDOWN_MS,
    },
    oauth: {
      'claude-oauth': {
        authorizeUrl: parsed.CLAUDE_OAUTH_AUTHORIZE_URL,
        tokenUrl: parsed.CLAUDE_OAUTH_TOKEN_URL,
        clientId: parsed.CLAUDE_OAUTH_CLIENT_ID,
        redirectUri: parsed.CLAUDE_OAUTH_REDIRECT_URI,
        scopes: parsed.CLAUDE_OAUTH_SCOPES,
        refreshSkewMs: parsed.OAUTH_REFRESH_SKEW_MS,
      },
      'openai-oauth': {
        authorizeUrl: parsed.OPENAI_OAUTH_AUTHORIZE_URL,
        tokenUrl: parsed.OPENAI_OAUTH_TOKEN_URL,
        clientId: parsed.OPENAI_OAUTH_CLIENT_ID,
        redirectUri: parsed.OPENAI_OAUTH_REDIRECT_URI,
        scopes: parsed.OPENAI_OAUTH_SCOPES,
        refreshSkewMs: parsed.OAUTH_REFRESH_SKEW_MS,
      },
      'gemini-oauth': {
        authorizeUrl: parsed.GEMINI_OAUTH_AUTHORIZE_URL,
        tokenUrl: parsed.GEMINI_OAUTH_TOKEN_URL,
        clientId: parsed.GEMINI_OAUTH_CLIENT_ID,
        clientSecret: parsed.GEMINI_OAUTH_CLIENT_SECRET,
        redirectUri: parsed.GEMINI_OAUTH_REDIRECT_URI,
        scopes: parsed.GEMINI_OAUTH_SCOPES,
        refreshSkewMs: parsed.OAUTH_REFRESH_SKEW_MS,
      },
      droid: {
        tokenUrl: parsed.DROID_OAUTH_TOKEN_URL,
        clientId: parsed.DROID_OAUTH_CLIENT_ID,
        refreshSkewMs: parsed.OAUTH_REFRESH_SKEW_MS,
      },
    },
    requestLog: {
      maxEntries: parsed.REQUEST_LOG_MAX_ENTRIES ?? parsed.LEDGER_MAX_ENTRIES ?? 1_000_000,
      maxAgeHours: parsed.REQUEST_LOG_MAX_AGE_HOURS,
      databaseUrl: parsed.REQUEST_LOG_DATABASE_URL,
      archiveRetentionDays: parsed.REQUEST_LOG_ARCHIVE_RETENTION_DAYS,
      archiveBacklog: parsed.REQUEST_LOG_ARCHIVE_BACKLOG,
      bodies: {
        mode: parsed.REQUEST_LOG_BODIES,
        sampleRate: parsed.REQUEST_LOG_BODY_SAMPLE_RATE,
        maxBytes: parsed.REQUEST_LOG_BODY_MAX_BYTES,
        retentionHours: parsed.REQUEST_LOG_BODY_RETENTION_HOURS,
      },
    },
    notify: {
      timeoutMs: parsed.NOTIFY_TIMEOUT_MS,
      retryBaseMs: parsed.NOTIFY_RETRY_BASE_MS,
      retryMaxAttempts: parsed.NOTIFY_RETRY_MAX_ATTEMPTS,
    },
    alerts: { intervalMs: parsed.ALERT_EVAL_INTERVAL_MS },
    usage: {
      hourlyRetentionDays: parsed.USAGE_HOURLY_RETENTION_DAYS,
      dailyRetentionDays: parsed.USAGE_DAILY_RETENTION_DAYS,
      monthlyRetentionDays: parsed.USAGE_MONTHLY_RETENTION_DAYS,
      liveTickIntervalMs: parsed.LIVE_TICK_INTERVAL_MS,
      liveMaxConnections: parsed.LIVE_MAX_CONNECTIONS,
    },
  };
}
