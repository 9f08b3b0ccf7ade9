// System fields: what this server is (any signed-in user) and its status (readers). Anonymous callers get
// nothing but login: not even the version, which would tell an attacker what to try.
import { requireUser } from '../schema/access.js';
import { builder } from '../schema/builder.js';
import type { SystemStatus } from '../services/control/system-status.js';
import type { JobStatus } from '../services/jobs/job-status.js';
import { SERVER_NAME, SERVER_VERSION } from '../version.js';

const ServerInfo = builder.objectRef<{ name: string; version: string }>('ServerInfo').implement({
  description: 'Identity of the relay server answering this request.',
  fields: (t) => ({
    name: t.exposeString('name'),
    version: t.exposeString('version'),
  }),
});

const RedisStatusRef = builder.objectRef<SystemStatus['redis']>('RedisStatus').implement({
  fields: (t) => ({
    version: t.exposeString('version'),
    usedMemoryBytes: t.exposeFloat('usedMemoryBytes'),
    pingMs: t.exposeFloat('pingMs'),
  }),
});

const CountsRef = builder.objectRef<SystemStatus['counts']>('SystemCounts').implement({
  fields: (t) => ({
    users: t.exposeInt('users'),
    apiKeys: t.exposeInt('apiKeys'),
    accounts: t.exposeInt('accounts'),
    accountGroups: t.exposeInt('accountGroups'),
    ledgerEntries: t.exposeInt('ledgerEntries'),
  }),
});

const UnpricedRef = builder.objectRef<SystemStatus['unpriced']>('UnpricedUsage').implement({
  description: 'Requests relayed for models with no known price: recorded at cost 0.',
  fields: (t) => ({
    requests: t.exposeFloat('requests'),
    models: t.exposeStringList('models', { description: 'The latest such models, newest first.' }),
  }),
});

const SettleQueueRef = builder.objectRef<SystemStatus['settles']>('SettleQueue').implement({
  description: "This instance's settles waiting for Redis, and those dropped because that queue was full.",
  fields: (t) => ({
    queued: t.exposeInt('queued'),
    dropped: t.exposeFloat('dropped'),
  }),
});

const JobStatusRef = builder.objectRef<JobStatus>('JobStatus').implement({
  description:
    'A background job on this instance: whether it runs here now (leader-elected jobs run on one instance), ' +
    'its last pass, last success and last error.',
  fields: (t) => ({
    name: t.exposeString('name'),
    active: t.exposeBoolean('active'),
    lastRunAt: t.field({ type: 'DateTime', nullable: true, resolve: (job) => dateOf(job.lastRunAt) }),
    lastSuccessAt: t.field({ type: 'DateTime', nullable: true, resolve: (job) => dateOf(job.lastSuccessAt) }),
    lastDurationMs: t.exposeFloat('lastDurationMs', { nullable: true }),
    lastError: t.exposeString('lastError', { nullable: true }),
    errors: t.exposeInt('errors', { description: 'Failed passes since this instance started.' }),
  }),
});

function dateOf(ms: number | undefined): Date | null {
  return ms === undefined ? null : new Date(ms);
}

const SystemStatusRef = builder.objectRef<SystemStatus>('SystemStatus').implement({
  fields: (t) => ({
    version: t.exposeString('version'),
    startedAt: t.field({ type: 'DateTime', resolve: (status) => new Date(status.startedAt) }),
    redis: t.field({ type: RedisStatusRef, resolve: (status) => status.redis }),
    counts: t.field({ type: CountsRef, resolve: (status) => status.counts }),
    rollupLagMs: t.exposeFloat('rollupLagMs', {
      description: 'How far usage rollups trail the ledger (0 when caught up).',
    }),
    unpriced: t.field({ type: UnpricedRef, resolve: (status) => status.unpriced }),
    settles: t.field({ type: SettleQueueRef, resolve: (status) => status.settles }),
    jobs: t.field({ type: [JobStatusRef], resolve: (status) => status.jobs }),
  }),
});

builder.queryField('serverInfo', (t) =>
  t.field({
    type: ServerInfo,
    resolve: (_root, _args, context) => {
      requireUser(context);
      return { name: SERVER_NAME, version: SERVER_VERSION };
    },
  }),
);

builder.queryField('systemStatus', (t) =>
  t.field({
    type: SystemStatusRef,
    description: 'Readers only: this instance, Redis, what is configured, and the rollup lag.',
    resolve: (_root, _args, context) => context.services.control.system.status(requireUser(context)),
  }),
);
