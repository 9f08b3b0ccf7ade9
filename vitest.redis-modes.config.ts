// The second and third test passes of `npm test`: the suites that exercise Redis itself, on a throwaway
// Sentinel-managed primary (REDIS_MODE=sentinel), then on a throwaway cluster of three primaries with a replica
// each (REDIS_MODE=cluster). Not every file: the whole integration and end-to-end suites take about 13 minutes
// per mode here, which would push CI past its budget. Kept: every integration test that uses the run's Redis (the
// services and their scripts, pub/sub, the reconciler, the notification queue), and one or more end-to-end files
// for each part of the relay that keeps state in Redis: admission and limits in every format, scheduling and
// failover, several instances, the request log and metrics, live subscriptions, sign-in and login limits.
// Left out: files that start a Redis of their own (they would not test the mode), the admin CLI's files (a
// process per command: about six of the thirteen minutes; the CLI reaches Redis through the same services the
// integration tests cover) and format conversions that keep no state.
import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      'test/integration/**/*.test.ts',
      ...[
        'admission-concurrency',
        'admission-cost',
        'admission-crash',
        'admission-restrictions',
        'anthropic-sdk',
        'budget-end',
        'failover',
        'gateway-endpoints',
        'gateway-sign-in',
        'gemini-limits',
        'graphql-api-keys',
        'graphql-subscriptions',
        'login-limits',
        'metrics',
        'multi-instance',
        'openai-chat-limits',
        'openai-responses-limits',
        'request-ids',
        'request-log',
        'scheduling',
        'trpc',
      ].map((name) => `test/e2e/${name}.test.ts`),
    ],
    exclude: [
      ...configDefaults.exclude,
      'test/integration/embedded-redis.test.ts',
      'test/integration/notify-outage.test.ts',
    ],
  },
});
