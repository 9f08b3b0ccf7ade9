// Test runner configuration: three projects, one per kind of Redis the relay runs on, each with its own
// throwaway Redis for the run (test/setup/global-setup.ts) and every test file in its own key prefix.
//
// - `single`: every test, on one redis-server (or on REDIS_URL when it is set).
// - `sentinel`: the integration, end-to-end and browser suites again, on a primary with a replica reached
//   through three Sentinels.
// - `cluster`: the same again, on a cluster of three primaries with a replica each.
//
// The three run as one run, their files in one queue (longest first), so the machine stays busy to the end
// instead of idling at the tail of each. `npx vitest run --project cluster` runs one of them.
import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Left out of the Sentinel and cluster projects: files that start a Redis of their own and never touch the
 * run's, so another mode would test nothing new. redis-failover and redis-resharding start a Sentinel set or a
 * cluster themselves and kill or reshard it; redis-outage stops and restarts a server of its own;
 * embedded-redis-process, embedded-redis and notify-outage test the embedded server's lifecycle and a
 * notification queue whose Redis goes away. Unit tests touch no Redis at all.
 */
const OWN_REDIS = [
  'test/e2e/embedded-redis-process.test.ts',
  'test/e2e/redis-failover.test.ts',
  'test/e2e/redis-outage.test.ts',
  'test/e2e/redis-resharding.test.ts',
  'test/integration/embedded-redis.test.ts',
  'test/integration/notify-outage.test.ts',
];

/** Each project's own Redis; set per project, since the root configuration runs its setup too. */
const globalSetup = ['test/setup/global-setup.ts'];

const ON_REDIS = ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/browser/**/*.test.ts'];

export default defineConfig({
  resolve: {
    // Vite prefers graphql's ESM build while Pothos requires its CommonJS build; two copies of graphql refuse
    // each other's types. Node itself resolves the CommonJS entry, so tests use that one too.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Files share their worker's loaded modules instead of each starting a fresh process and loading the whole
    // server again: that start-up was a third of the run's time and most of its CPU. Files keep to their own
    // key prefix, servers, ports and temporary folders, and restore what they change (fake timers), so nothing
    // one leaves behind reaches the next.
    isolate: false,
    // Vitest's default leaves one core idle (cores - 1: a single worker on two cores). Most of a test's time is
    // spent waiting on sockets and child processes, so a worker per core keeps both busy.
    maxWorkers: availableParallelism(),
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'single', globalSetup, include: ['test/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'sentinel',
          globalSetup,
          include: ON_REDIS,
          exclude: [...configDefaults.exclude, ...OWN_REDIS],
        },
      },
      {
        extends: true,
        test: {
          name: 'cluster',
          globalSetup,
          include: ON_REDIS,
          exclude: [...configDefaults.exclude, ...OWN_REDIS],
        },
      },
    ],
  },
});
