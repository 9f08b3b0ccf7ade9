// Composition root: wires config, Redis (external or embedded), services and the HTTP app into a running server.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from './config/config.js';
import { resolveSecrets } from './config/secrets.js';
import { loadControlPlaneHttp } from './control-plane-http.js';
import { type App, buildApp } from './http/app.js';
import type { Logger } from './lib/logger.js';
import type { RedisEndpoint } from './lib/redis-endpoint.js';
import { answerScrape, METRICS_PATH, startMetricsServer } from './observability/metrics-endpoint.js';
import { startOtelExport } from './observability/otel/otel-export.js';
import { RelayMetrics } from './observability/relay-metrics.js';
import { AccountTester } from './relay/account-tester.js';
import { addGatewayBearerRoutes } from './relay/gateway/bearer-endpoints.js';
import { addSpendLimitRoutes } from './relay/gateway/spend-limits-api.js';
import type { RelayDeps } from './relay/relay-deps.js';
import { buildRelayRoutes, relayErrorShapeFor } from './relay/routes.js';
import { TransportRegistry } from './relay/upstream/transports.js';
import { serviceOptionsFromConfig } from './service-options.js';
import { createServices, type Services } from './services/container.js';
import { PLATFORMS } from './services/domain/platforms.js';
import { type EmbeddedRedis, startEmbeddedRedis } from './services/redis/embedded-redis.js';
import type { LedgerEntry } from './services/usage/ledger-entry.js';
import { ensureFirstAdmin } from './services/users/first-admin.js';
import { SERVER_VERSION } from './version.js';

/** Control-plane requests are small: a GraphQL document with variables, a batch of tRPC calls. */
const CONTROL_PLANE_BODY_LIMIT = 1024 * 1024;

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** The Redis the server uses: the one configured, or the embedded one it started. */
  readonly redis: RedisEndpoint;
  readonly app: App;
  readonly services: Services;
  /** Connection tests of accounts; they travel the relay's own upstream transports. */
  readonly tester: AccountTester;
  /** Where metrics are served on a port of their own (`METRICS_PORT`); undefined otherwise. */
  readonly metricsUrl: string | undefined;
  /** Graceful: drains requests up to the configured deadline, settles, closes Redis, stops an embedded Redis. */
  stop(): Promise<void>;
}

export interface ServerOverrides {
  /** Lease lifetime for account leases (tests shorten it to watch crashed instances' leases expire). */
  leaseTtlMs?: number;
  /** Session token lifetimes (tests shorten them to watch the dashboard refresh an expired access token). */
  sessionTtls?: { accessTtlMs: number; refreshTtlMs: number };
}

/** The dashboard as `npm run build:web` writes it, beside this source tree. */
const DASHBOARD_DIR = fileURLToPath(new URL('../web/dist', import.meta.url));

export async function startServer(
  config: Config,
  logger: Logger,
  overrides: ServerOverrides = {},
): Promise<RunningServer> {
  const cleanups: Array<() => Promise<void>> = [];
  const runCleanups = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        logger.error({ err: error }, 'error during shutdown');
      }
    }
  };

  try {
    const secrets = resolveSecrets(config);
    let endpoint = config.redis.endpoint;
    let embedded: EmbeddedRedis | undefined;
    if (!endpoint) {
      const owned = await startOwnedRedis(config, logger);
      cleanups.push(() => owned.stop());
      embedded = owned;
      endpoint = { url: owned.url };
    }

    // Built before the services, which reach upstream through it too (OAuth refreshes take the account's proxy),
    // and closed after them.
    const transports = new TransportRegistry({ connectTimeoutMs: config.upstream.connectTimeoutMs });
    cleanups.push(() => transports.close());
    let tester: AccountTester | undefined;
    // Kept only when they can be scraped; the settler feeds them as requests settle.
    let metrics: RelayMetrics | undefined;
    // Started before the services so that it stops after them: the last settles are still exported.
    const otel = config.otel
      ? await startOtelExport({ ...config.otel, logger, serviceVersion: SERVER_VERSION })
      : undefined;
    if (otel) cleanups.push(() => otel.shutdown());
    const onSettled =
      config.metrics || otel
        ? (entry: LedgerEntry) => {
            metrics?.recordSettled(entry);
            otel?.record(entry);
          }
        : undefined;
    const services = await createServices(
      serviceOptionsFromConfig(config, secrets, endpoint, {
        runJobs: true,
        logger,
        dispatchers: transports,
        // Connection tests travel the relay's own providers and transports.
        connectionTester: (parts) => {
          tester = new AccountTester({ ...parts, transports });
          return tester;
        },
        ...(overrides.leaseTtlMs === undefined ? {} : { leaseTtlMs: overrides.leaseTtlMs }),
        ...(overrides.sessionTtls ? { sessionTtls: overrides.sessionTtls } : {}),
        ...(onSettled ? { onSettled } : {}),
        ...(config.metrics
          ? { onDelivery: (kind: string, result: string) => metrics?.operations.recordDelivery(kind, result) }
          : {}),
      }),
    );
    cleanups.push(() => services.stop());
    await ensureFirstAdmin(services.users, config.admin, logger);

    const relay: RelayDeps = {
      apiKeys: services.apiKeys,
      admission: services.admission,
      gateway: services.gateway,
      scheduler: services.scheduler,
      health: services.health,
      credentials: services.credentials,
      settler: services.settler,
      bodyCapture: services.bodyCapture,
      pricing: services.pricing,
      models: services.models,
      store: services.storeHealth,
      transports,
      logger,
      settings: {
        apiKeyPrefix: config.apiKeys.prefix,
        bodyLimitBytes: config.http.bodyLimitBytes,
        firstByteTimeoutMs: config.upstream.firstByteTimeoutMs,
        idleTimeoutMs: config.upstream.idleTimeoutMs,
        maxResponseBytes: 64 * 1024 * 1024,
        failoverMaxAttempts: config.scheduling.failoverMaxAttempts,
        unpricedModels: config.limits.unpricedModels,
        trustProxy: config.http.trustProxy,
      },
    };

    if (config.metrics) {
      metrics = new RelayMetrics({
        leasesInFlight: () => services.leases.size,
        settleQueue: () => services.settler.status(),
        accountStates: () => accountStates(services),
        keyQueue: () => services.admission.queued,
        notificationQueue: () => services.context.redis.zcard(services.context.keys.notifyDue()),
        archiveLag: async () => services.requestLogParts.archiver?.lag(),
        jobs: () => services.jobs(),
      });
      metrics.operations.instrumentRedis(services.context.redis, 'main');
    }
    // A relay-only instance leaves the control plane's code unloaded; its paths answer 404 there.
    const controlPlane =
      config.role === 'all'
        ? await loadControlPlaneHttp({
            services,
            logger,
            dashboardDir: DASHBOARD_DIR,
            bodyLimitBytes: CONTROL_PLANE_BODY_LIMIT,
            graphiql: config.env === 'development',
            introspection: config.graphql.introspection,
            corsOrigins: config.graphql.corsOrigins,
            trustProxy: config.http.trustProxy,
            production: config.env === 'production',
            liveMaxConnections: config.usage.liveMaxConnections,
          })
        : undefined;
    const scrapeToken = config.metrics?.token;
    const redis = services.context.redis;
    const app = buildApp({
      logger,
      bodyLimitBytes: config.http.bodyLimitBytes,
      shutdownTimeoutMs: config.http.shutdownTimeoutMs,
      connections: config.http.connections,
      trustProxy: config.http.trustProxy,
      checkReady: async () => {
        const started = performance.now();
        await pingWithin(() => redis.ping(), 1000);
        // Jobs failing (say, the archive's database down) do not stop this instance serving: reported, not fatal.
        const jobs = services.jobs();
        return {
          redis: { pingMs: Math.round((performance.now() - started) * 100) / 100 },
          degraded: jobs.some((job) => job.lastError !== undefined),
          jobs,
        };
      },
      routes: addGatewayBearerRoutes(
        addSpendLimitRoutes(buildRelayRoutes(relay), { auth: services.auth, control: services.control }),
        {
          relay,
          users: services.users,
          managedSettings: services.managedSettings,
          telemetry: services.gateway.telemetry,
          userSpend: services.userSpend,
        },
      ),
      errorShapeFor: relayErrorShapeFor,
      mount: (express) => {
        controlPlane?.mount(express);
        // On the relay's own port only for scrapers with the token; a port of its own may serve it without.
        const served = metrics;
        if (served && scrapeToken !== undefined) {
          express.get(METRICS_PATH, (req, res, next) => {
            answerScrape(req, res, served, scrapeToken).catch(next);
          });
        }
      },
      ownBodyPaths: controlPlane?.ownBodyPaths ?? [],
    });
    const subscriptions = controlPlane?.attach(app.server);
    const { port, url } = await app.start(config.http.port, config.http.host);
    // A second start on the same DATA_DIR names this address when it refuses to take over the embedded Redis.
    embedded?.recordServerUrl(url);
    // Stopping runs in reverse: WebSocket subscribers are closed first (an upgraded socket would hold the
    // HTTP server open), then the app drains, then services settle and close, then Redis stops.
    cleanups.push(() => app.stop());
    if (subscriptions) cleanups.push(() => subscriptions.stop());
    let metricsUrl: string | undefined;
    if (metrics && config.metrics?.port !== undefined) {
      const own = await startMetricsServer(metrics, { ...config.metrics, port: config.metrics.port });
      cleanups.push(() => own.close());
      metricsUrl = own.url;
    }

    if (!tester) throw new Error('the services were composed without a connection tester');
    return { url, port, redis: endpoint, app, services, tester, metricsUrl, stop: runCleanups };
  } catch (error) {
    await runCleanups();
    throw error;
  }
}

/** Every account's pool and live state, for the metrics' account gauge (read at scrape time only). */
async function accountStates(services: Services): Promise<Array<{ platform: string; state: string }>> {
  const pools = await Promise.all(
    PLATFORMS.map(async (platform) => {
      const runtimes = await services.accounts.poolRuntimes(platform);
      return Promise.all(
        runtimes.map(async ({ account }) => ({
          platform,
          state: account.schedulable
            ? (await services.health.state(account.id, platform)).kind
            : 'unschedulable',
        })),
      );
    }),
  );
  return pools.flat();
}

/** The embedded default: a redis-server this process starts, owns and stops, with data under DATA_DIR/redis. */
export async function startOwnedRedis(config: Config, logger: Logger): Promise<EmbeddedRedis> {
  const dataDir = path.join(config.dataDir, 'redis');
  const embedded = await startEmbeddedRedis({ bin: config.redis.serverBin, dataDir, persist: true });
  logger.info({ port: embedded.port, redisPid: embedded.pid, dataDir }, 'started embedded redis');
  return embedded;
}

async function pingWithin(ping: () => Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('redis ping timed out')), timeoutMs);
  });
  try {
    await Promise.race([ping(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
