// The zod schema of every environment variable the server reads; `.env.example` documents the same list.
import { z } from 'zod';
import { WEEKDAYS } from '../lib/weekdays.js';

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, { error: 'must be a whole number' })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, { error: `must be at least ${min}` })
        .max(max, { error: `must be at most ${max}` }),
    );

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

const byteSize = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/, { error: 'must be a size such as 32mb, 512kb or 1048576' })
  .transform((value) => {
    const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/.exec(value);
    const amount = Number(match?.[1] ?? 'NaN');
    return Math.floor(amount * (SIZE_UNITS[match?.[2] ?? ''] ?? Number.NaN));
  })
  .pipe(z.number().int().min(1024, { error: 'must be at least 1kb' }));

const flag = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['1', '0', 'true', 'false', 'yes', 'no'], { error: 'must be true or false' }))
  .transform((value) => value === '1' || value === 'true' || value === 'yes');

/** A comma-separated list of host:port pairs (Redis Sentinels); IPv6 hosts in brackets. */
const hostPortList = z
  .string()
  .trim()
  .transform((value, context) => {
    const nodes: Array<{ host: string; port: number }> = [];
    for (const item of value.split(',').map((part) => part.trim())) {
      const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(item);
      const port = Number(match?.[2]);
      if (!match?.[1] || port < 1 || port > 65_535) {
        context.addIssue({
          code: 'custom',
          message: `must be host:port pairs separated by commas; "${item}" is not`,
        });
        return z.NEVER;
      }
      nodes.push({ host: match[1].replace(/^\[|\]$/g, ''), port });
    }
    return nodes;
  });

/** A comma-separated list of web origins, each exactly as browsers send it: scheme://host[:port]. */
const originList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  )
  .refine((origins) => origins.every(isWebOrigin), {
    error: 'must be comma-separated origins such as https://dash.example.com (scheme, host and port only)',
  });

function isWebOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    // `origin` drops paths, default ports and upper case: only a value already in that form matches a browser's.
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

/** 32 bytes, given as 64 hex characters or base64. */
const key32 = z
  .string()
  .trim()
  .transform((value) =>
    /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64'),
  )
  .refine((buffer) => buffer.length === 32, { error: 'must be 32 bytes as 64 hex characters or base64' });

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: wholeNumber(0, 65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  BODY_LIMIT: byteSize.default(32 * 1024 ** 2),
  SHUTDOWN_TIMEOUT_MS: wholeNumber(0, 600_000).default(10_000),
  TRUST_PROXY: flag.default(false),
  /** A client gets this long to send its request headers (from connecting, or from a request's first byte). */
  HTTP_HEADERS_TIMEOUT_MS: wholeNumber(100, 600_000).default(30_000),
  /** A client gets this long to send a whole request, body included; the response that follows is not limited. */
  HTTP_REQUEST_TIMEOUT_MS: wholeNumber(100, 3_600_000).default(300_000),
  /** Longest silence while a request body is being read. */
  HTTP_BODY_IDLE_TIMEOUT_MS: wholeNumber(100, 600_000).default(30_000),
  /** How long a keep-alive connection may sit idle between requests. */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: wholeNumber(100, 600_000).default(65_000),
  /** Connections that have not yet carried an authenticated request; past it new connections get 503. */
  HTTP_MAX_UNAUTHENTICATED_CONNECTIONS: wholeNumber(1, 1_000_000).default(256),
  /** Web origins allowed to call /graphql from a browser (exact match); none means no CORS at all. */
  CORS_ORIGINS: originList.default([]),
  /** Schema introspection on /graphql; unset means on outside production, off in production. */
  GRAPHQL_INTROSPECTION: flag.optional(),
  /**
   * Prometheus metrics: served at `GET /metrics` on the relay's port to scrapers presenting this token
   * (`Authorization: Bearer …`), and/or on `METRICS_PORT`. Neither set: no metrics are kept or served.
   */
  METRICS_TOKEN: z.string().trim().min(16, { error: 'must be at least 16 characters' }).optional(),
  /** A port of its own for `GET /metrics` (on `METRICS_HOST`), for scrapers inside the network; 0 picks one. */
  METRICS_PORT: wholeNumber(0, 65535).optional(),
  METRICS_HOST: z.string().trim().min(1).default('127.0.0.1'),
  /**
   * Relay processes sharing the port; `auto` means one per CPU. Every worker is a full relay instance. One is
   * the default: on a small host shared with other services, more workers mostly add contention.
   */
  WORKERS: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^(auto|\d+)$/, { error: 'must be auto or a whole number' })
    .transform((value) => (value === 'auto' ? 0 : Number(value)))
    .pipe(z.number().int().min(0).max(64, { error: 'must be at most 64' }))
    .default(1),

  /**
   * What this process serves. `all`: the relay API and the control plane (GraphQL, tRPC, live subscriptions,
   * dashboard). `relay`: the relay API only (with /metrics and the health checks), for large deployments that
   * run the control plane on instances of their own; the control plane's code is then never loaded.
   */
  SERVER_ROLE: z.enum(['all', 'relay'], { error: 'must be all or relay' }).default('all'),

  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /**
   * A Sentinel-managed primary instead of REDIS_URL: the Sentinels as host:port, comma-separated, and the name
   * they monitor the primary under. The client asks them for the primary on every connect, so a failover is
   * followed without a restart.
   */
  REDIS_SENTINELS: hostPortList.optional(),
  REDIS_SENTINEL_NAME: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'must be 1-64 letters, digits, . _ or -' })
    .optional(),
  /** The Sentinels' own password (`requirepass` in sentinel.conf). */
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  /**
   * A Redis Cluster instead: some of its nodes as host:port, comma-separated (the client learns the rest and
   * the slot map from them, and follows failovers and resharding).
   */
  REDIS_CLUSTER_NODES: hostPortList.optional(),
  /**
   * With REDIS_SENTINELS or REDIS_CLUSTER_NODES: the data nodes' ACL user and password (with REDIS_URL they go
   * in the URL).
   */
  REDIS_USERNAME: z.string().min(1).optional(),
  REDIS_PASSWORD: z.string().min(1).optional(),
  /** With REDIS_SENTINELS or REDIS_CLUSTER_NODES: TLS to every node (with REDIS_URL: a rediss:// URL). */
  REDIS_TLS: flag.default(false),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]*$/, { error: 'may contain only letters, digits and : _ . -' })
    .max(64)
    .default('relay:'),
  REDIS_SERVER_BIN: z.string().trim().min(1).default('redis-server'),
  /** Bound on every Redis command: past it the request is refused with 503 rather than held. */
  REDIS_COMMAND_TIMEOUT_MS: wholeNumber(50, 60_000).default(750),
  /** Settles kept in memory while Redis is away; the oldest are dropped past it (and counted). */
  SETTLE_QUEUE_MAX: wholeNumber(0, 10_000_000).default(100_000),

  ENCRYPTION_KEY: key32.optional(),
  ENCRYPTION_KEY_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, { error: 'must be 1-32 letters, digits, _ or -' })
    .optional(),
  TOKEN_SIGNING_KEY: z.string().trim().min(32, { error: 'must be at least 32 characters' }).optional(),

  ADMIN_USERNAME: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{3,64}$/, { error: 'must be 3-64 letters, digits, _ . or -' })
    .default('admin'),
  ADMIN_PASSWORD: optionalText.pipe(
    z.string().min(12, { error: 'must be at least 12 characters' }).optional(),
  ),

  MEMBER_MAX_KEYS: wholeNumber(0, 10_000).default(10),
  API_KEY_PREFIX: z
    .string()
    .regex(/^[a-z0-9_]{1,16}$/, { error: 'must be 1-16 lowercase letters, digits or _' })
    .default('cr_'),

  UPSTREAM_CONNECT_TIMEOUT_MS: wholeNumber(100, 600_000).default(10_000),
  UPSTREAM_FIRST_BYTE_TIMEOUT_MS: wholeNumber(100, 3_600_000).default(600_000),
  UPSTREAM_IDLE_TIMEOUT_MS: wholeNumber(100, 3_600_000).default(300_000),

  TIME_ZONE: z
    .string()
    .trim()
    .default('UTC')
    .refine(
      (zone) => {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: zone });
          return true;
        } catch {
          return false;
        }
      },
      { error: 'must be an IANA time zone such as UTC or Europe/Berlin' },
    ),
  WEEK_START: z.enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.join(', ')}` }).default('monday'),
  LEASE_TTL_MS: wholeNumber(1000, 3_600_000).default(10_000),
  RECONCILE_INTERVAL_MS: wholeNumber(100, 3_600_000).default(2_000),
  /** Models without a known price: relay them (recorded at cost 0 and flagged) or refuse them. */
  UNPRICED_MODELS: z.enum(['allow', 'refuse'], { error: 'must be allow or refuse' }).default('allow'),
  DEFAULT_MAX_OUTPUT_TOKENS: wholeNumber(1, 10_000_000).default(32_000),

  /** Gateway sign-in (Claude Code `/login`): a device's access tokens, its sign-in lifetime, code lifetime. */
  GATEWAY_ACCESS_TOKEN_TTL_SECONDS: wholeNumber(30, 86_400).default(3_600),
  GATEWAY_REFRESH_TOKEN_TTL_DAYS: wholeNumber(1, 365).default(30),
  GATEWAY_DEVICE_CODE_TTL_SECONDS: wholeNumber(60, 3_600).default(600),
  GATEWAY_POLL_INTERVAL_SECONDS: wholeNumber(1, 60).default(5),

  STICKY_SESSION_TTL_SECONDS: wholeNumber(1, 86_400).default(300),
  FAILOVER_MAX_ATTEMPTS: wholeNumber(1, 10).default(3),
  OVERLOAD_COOLDOWN_MS: wholeNumber(0, 86_400_000).default(60_000),
  ERROR_COOLDOWN_MS: wholeNumber(0, 86_400_000).default(15_000),
  RATE_LIMIT_DEFAULT_MS: wholeNumber(1000, 86_400_000).default(60_000),
  QUOTA_COOLDOWN_MS: wholeNumber(1000, 604_800_000).default(3_600_000),

  CLAUDE_OAUTH_AUTHORIZE_URL: z.url().default('https://claude.ai/oauth/authorize'),
  CLAUDE_OAUTH_TOKEN_URL: z.url().default('https://console.anthropic.com/v1/oauth/token'),
  CLAUDE_OAUTH_CLIENT_ID: z.string().trim().min(1).default('9d1c250a-e61b-44d9-88ed-5944d1962f5e'),
  CLAUDE_OAUTH_REDIRECT_URI: z.url().default('https://console.anthropic.com/oauth/code/callback'),
  CLAUDE_OAUTH_SCOPES: z.string().trim().min(1).default('org:create_api_key user:profile user:inference'),
  /** ChatGPT sign-in (openai-oauth accounts): the Codex CLI's public client at auth.openai.com. */
  OPENAI_OAUTH_AUTHORIZE_URL: z.url().default('https://auth.openai.com/oauth/authorize'),
  OPENAI_OAUTH_TOKEN_URL: z.url().default('https://auth.openai.com/oauth/token'),
  OPENAI_OAUTH_CLIENT_ID: z.string().trim().min(1).default('app_EMoamEEZ73f0CkXaXp7hrann'),
  /** Registered for Codex's client; nothing listens there: the operator pastes the redirected URL back. */
  OPENAI_OAUTH_REDIRECT_URI: z.url().default('http://localhost:1455/auth/callback'),
  OPENAI_OAUTH_SCOPES: z.string().trim().min(1).default('openid profile email offline_access'),
  /**
   * Google sign-in (gemini-oauth accounts): Gemini CLI's installed-app client, whose secret Google publishes as
   * not secret; its no-browser redirect shows the code to paste back.
   */
  GEMINI_OAUTH_AUTHORIZE_URL: z.url().default('https://accounts.google.com/o/oauth2/v2/auth'),
  GEMINI_OAUTH_TOKEN_URL: z.url().default('https://oauth2.googleapis.com/token'),
  GEMINI_OAUTH_CLIENT_ID: z
    .string()
    .trim()
    .min(1)
    .default('681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com'),
  GEMINI_OAUTH_CLIENT_SECRET: z.string().trim().min(1).default('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'),
  GEMINI_OAUTH_REDIRECT_URI: z.url().default('https://codeassist.google.com/authcode'),
  GEMINI_OAUTH_SCOPES: z
    .string()
    .trim()
    .min(1)
    .default(
      'https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile',
    ),
  /**
   * Factory sign-in (droid accounts holding WorkOS tokens): the Droid CLI's public client at WorkOS, whose
   * authenticate endpoint refreshes them.
   */
  DROID_OAUTH_TOKEN_URL: z.url().default('https://api.workos.com/user_management/authenticate'),
  DROID_OAUTH_CLIENT_ID: z.string().trim().min(1).default('client_01HNM792M5G5G1A2THWPXKFMXB'),
  /** Access tokens are refreshed this long before they expire. */
  OAUTH_REFRESH_SKEW_MS: wholeNumber(0, 3_600_000).default(300_000),

  /**
   * The request log's Redis window: at most this many entries (LEDGER_MAX_ENTRIES is the earlier name, still
   * read), and none older than REQUEST_LOG_MAX_AGE_HOURS (0: the size alone bounds it).
   */
  REQUEST_LOG_MAX_ENTRIES: wholeNumber(1000, 100_000_000).optional(),
  LEDGER_MAX_ENTRIES: wholeNumber(1000, 100_000_000).optional(),
  REQUEST_LOG_MAX_AGE_HOURS: wholeNumber(0, 87_600).default(168),
  /** The archive in PostgreSQL past the Redis window; off when unset. */
  REQUEST_LOG_DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\//, { error: 'must be a postgres:// or postgresql:// URL' })
    .optional(),
  REQUEST_LOG_ARCHIVE_RETENTION_DAYS: wholeNumber(1, 36_500).default(90),
  /**
   * Entries Redis keeps for the archive beyond the window while the archive cannot take them (its database down,
   * its job moving to another instance); past this, the oldest are lost to it (counted as missed).
   */
  REQUEST_LOG_ARCHIVE_BACKLOG: wholeNumber(1000, 100_000_000).default(1_000_000),
  /** Body capture: off by default; `on` captures every key's requests unless the key says otherwise. */
  REQUEST_LOG_BODIES: z.enum(['off', 'on'], { error: 'must be off or on' }).default('off'),
  /** The share of eligible requests whose bodies are kept, 0 to 1. */
  REQUEST_LOG_BODY_SAMPLE_RATE: z
    .string()
    .trim()
    .regex(/^(0(\.\d+)?|1(\.0+)?)$/, { error: 'must be a number from 0 to 1' })
    .transform(Number)
    .default(1),
  /** Each body (request, response) is cut to this size. */
  REQUEST_LOG_BODY_MAX_BYTES: wholeNumber(256, 10_485_760).default(32_768),
  REQUEST_LOG_BODY_RETENTION_HOURS: wholeNumber(1, 8760).default(24),

  /** Notification deliveries: bound on one send, and the retries' first delay and number of attempts. */
  NOTIFY_TIMEOUT_MS: wholeNumber(100, 60_000).default(5_000),
  NOTIFY_RETRY_BASE_MS: wholeNumber(10, 600_000).default(1_000),
  NOTIFY_RETRY_MAX_ATTEMPTS: wholeNumber(1, 20).default(8),
  /** How often alert rules over windows, limits and spend are evaluated (events act at once). */
  ALERT_EVAL_INTERVAL_MS: wholeNumber(100, 600_000).default(5_000),
  USAGE_HOURLY_RETENTION_DAYS: wholeNumber(1, 3650).default(14),
  USAGE_DAILY_RETENTION_DAYS: wholeNumber(1, 36500).default(400),
  USAGE_MONTHLY_RETENTION_DAYS: wholeNumber(1, 36500).default(3650),
  /** Live usage ticks are cut this often; kept under a second so live views stay live. */
  LIVE_TICK_INTERVAL_MS: wholeNumber(50, 900).default(500),
  /** WebSocket (subscription) connections one instance accepts; more are answered 503. */
  LIVE_MAX_CONNECTIONS: wholeNumber(1, 100_000).default(1000),
});

export type ParsedEnv = z.output<typeof envSchema>;
