// The second and third test passes of `npm test`: the suites that exercise Redis itself, on a throwaway
// Sentinel-managed primary (REDIS_MODE=sentinel), then on a throwaway cluster of three primaries with a replica
// each (REDIS_MODE=cluster). Not every file: the whole integration and end-to-end suites take about 13 minutes
// per mode here, which would push CI past its budget.
//
// Both modes run every integration test that uses the run's Redis (the services and their scripts, pub/sub,
// the reconciler, the notification queue). The cluster pass also runs one or more end-to-end files for each
// part of the relay that keeps state in Redis: admission and limits in every format, scheduling and failover,
// several instances, the request log and metrics, live subscriptions, sign-in and login limits. A cluster
// changes what may be sent together (one slot per script, transaction and multi-key command), so every such
// path must run on one. A Sentinel-managed primary is one server like the main pass's, reached through the
// Sentinels: its pass keeps the end-to-end files of the parts that hold connections or instances together
// (pub/sub across instances, live subscriptions, a crashed instance, sign-in), and e2e/redis-failover in the
// main pass checks what differs, following a failover.
//
// Left out of both: files that start a Redis of their own (they would not test the mode), the admin CLI's
// files (a process per command; the CLI reaches Redis through the same services the integration tests cover)
// and format conversions that keep no state.
import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config.js';

const SENTINEL_E2E = [
  'admission-crash',
  'anthropic-sdk',
  'gateway-sign-in',
  'graphql-subscriptions',
  'multi-instance',
];

const CLUSTER_E2E = [
  ...SENTINEL_E2E,
  'admission-concurrency',
  'admission-cost',
  'admission-restrictions',
  'budget-end',
  'failover',
  'gateway-endpoints',
  'gemini-limits',
  'graphql-api-keys',
  'login-limits',
  'metrics',
  'openai-chat-limits',
  'openai-responses-limits',
  'request-ids',
  'request-log',
  'scheduling',
  'trpc',
];

const e2e = process.env.REDIS_MODE === 'cluster' ? CLUSTER_E2E : SENTINEL_E2E;

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/integration/**/*.test.ts', ...e2e.map((name) => `test/e2e/${name}.test.ts`)],
    exclude: [
      ...configDefaults.exclude,
      'test/integration/embedded-redis.test.ts',
      'test/integration/notify-outage.test.ts',
    ],
  },
});
