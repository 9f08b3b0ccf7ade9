// `npm run faults`: replays the hardening issue's fault run against the relay as it is now — one client id on
// many requests, stalled and silent sockets, Redis stopped and frozen under load, an instance killed mid-stream,
// a million requests against a capped ledger, 100k requests into the request log's PostgreSQL archive with an
// instance killed — and prints the figures docs/reliability.md records.
// Not part of `npm test`: it takes about ten minutes and spawns real processes.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../src/lib/logger.js';
import { createServices, type ServiceOptions } from '../src/services/container.js';
import { startFakeUpstream } from '../test/support/fake-upstream/index.js';
import { startRedisProcess } from '../test/support/redis-process.js';
import { runArchive } from './faults/archive.js';
import type { FaultContext, InstanceSettings, ServicesHandle } from './faults/context.js';
import { runDeadInstance } from './faults/dead-instance.js';
import { runIdleSockets } from './faults/idle-sockets.js';
import { runMemory } from './faults/memory.js';
import { runOutage } from './faults/redis-outage.js';
import { runRequestIds } from './faults/request-ids.js';
import { startFakeUpstreamProcess, startRelayProcess } from './processes.js';

const PREFIX = 'faults:';
const FILE_LIMIT = 1024;

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000000' },
    'ledger-cap': { type: 'string', default: '200000' },
    'outage-seconds': { type: 'string', default: '20' },
    'archive-requests': { type: 'string', default: '100000' },
    'archive-window': { type: 'string', default: '20000' },
    only: { type: 'string' },
  },
});
const memoryRequests = Number(values.requests);
const ledgerCap = Number(values['ledger-cap']);
const outageSeconds = Number(values['outage-seconds']);
const archiveRequests = Number(values['archive-requests']);
const archiveWindow = Number(values['archive-window']);
const only = values.only?.split(',');
const wanted = (name: string) => only === undefined || only.includes(name);

const cleanups: Array<() => Promise<void>> = [];
const log = (line: string) => process.stdout.write(`${line}\n`);
const show = (title: string, figures: unknown) => log(`\n## ${title}\n${JSON.stringify(figures, null, 2)}`);

async function main(): Promise<void> {
  const redis = await startRedisProcess();
  cleanups.push(() => redis.destroy());
  const fake = await startFakeUpstream();
  cleanups.push(() => fake.close());
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'relay-faults-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const secrets = { key: randomBytes(32), signing: randomBytes(32).toString('hex') };
  // Every instance must share the encryption key; everything else is the default but the ledger cap.
  const env = {
    ENCRYPTION_KEY: secrets.key.toString('base64'),
    TOKEN_SIGNING_KEY: secrets.signing,
    LEDGER_MAX_ENTRIES: String(ledgerCap),
  };
  const relayOptions = (fileLimit?: number, settings: InstanceSettings = {}) => ({
    redisUrl: redis.url,
    keyPrefix: settings.keyPrefix ?? PREFIX,
    dataDir,
    logLevel: 'warn',
    adminPassword: 'fault run admin password',
    env: { ...env, ...settings.env },
    ...(fileLimit ? { fileLimit } : {}),
  });
  const relay = await startRelayProcess(relayOptions(FILE_LIMIT));
  cleanups.push(() => relay.stop());
  const serviceOptions: ServiceOptions = {
    redis: { url: redis.url },
    keyPrefix: PREFIX,
    encryptionKey: { id: 'env-1', key: secrets.key },
    tokenSigningKey: secrets.signing,
    apiKeyPrefix: 'cr_',
    ledgerMaxEntries: ledgerCap,
    retention: { hour: 14, day: 400, month: 3650 },
    runJobs: false,
    logger: createLogger({ level: 'silent' }),
    name: 'fault-run',
  };
  const services = await createServices(serviceOptions);
  cleanups.push(() => services.stop());
  const account = await services.accounts.create({
    type: 'claude-console',
    name: 'fault run',
    baseUrl: fake.url,
    credentials: { apiKey: 'fault-run-upstream-key' },
  });
  const ctx: FaultContext = {
    redis,
    fake,
    services,
    relay,
    accountId: account.id,
    async startInstance(settings) {
      const instance = await startRelayProcess(relayOptions(undefined, settings));
      cleanups.push(() => instance.stop());
      return instance;
    },
    async openServices(overrides) {
      const opened = await createServices({ ...serviceOptions, ...overrides });
      let closing: Promise<void> | undefined;
      // Closed by the fault when it is done with it, or at the end of the run at the latest; once either way.
      const handle: ServicesHandle = { services: opened, close: () => (closing ??= opened.stop()) };
      cleanups.push(() => handle.close());
      return handle;
    },
    defer(cleanup) {
      cleanups.push(cleanup);
    },
    log,
  };
  log(`fault run: relay ${relay.url} (pid ${relay.pid}, ulimit -n ${FILE_LIMIT}), redis ${redis.url}`);

  if (wanted('ids'))
    show(
      '1. one x-request-id on many requests',
      await runRequestIds(ctx, { requests: 2000, concurrency: 20 }),
    );
  if (wanted('sockets')) {
    const { plaintext } = await services.apiKeys.create({ name: 'fault run: keyed client' });
    show(
      '2. stalled and silent sockets',
      await runIdleSockets(ctx, { sockets: 1100, fileLimit: FILE_LIMIT, keyedKey: plaintext }),
    );
  }
  if (wanted('outage')) {
    show(
      `4a. Redis stopped for ${outageSeconds} s`,
      await runOutage(ctx, { kind: 'stop', outageSeconds, clients: 16 }),
    );
    show(
      '4b. Redis frozen (SIGSTOP) for 10 s',
      await runOutage(ctx, { kind: 'freeze', outageSeconds: 10, clients: 16 }),
    );
  }
  if (wanted('crash')) show('5. an instance killed mid-stream', await runDeadInstance(ctx, { streams: 20 }));
  if (wanted('memory')) {
    const upstream = await startFakeUpstreamProcess();
    cleanups.push(() => upstream.stop());
    show(
      `15. Redis memory over ${memoryRequests} requests (ledger cap ${ledgerCap})`,
      await runMemory(ctx, { requests: memoryRequests, ledgerCap, upstreamUrl: upstream.url }),
    );
  }
  if (wanted('archive')) {
    const upstream = await startFakeUpstreamProcess();
    cleanups.push(() => upstream.stop());
    show(
      `Request-log archive: ${archiveRequests} requests, window ${archiveWindow}, an instance killed halfway`,
      await runArchive(ctx, {
        requests: archiveRequests,
        concurrency: 64,
        window: archiveWindow,
        upstreamUrl: upstream.url,
      }),
    );
    await upstream.stop();
  }
}

async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
}

process.on('SIGINT', () => void cleanUp().then(() => process.exit(130)));
main()
  .then(cleanUp)
  .catch(async (error: unknown) => {
    process.stderr.write(`fault run failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    await cleanUp();
    process.exit(1);
  })
  .then(() => process.exit(0));
