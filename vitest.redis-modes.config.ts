// The second and third test passes of `npm test`: the whole integration and end-to-end suites again, on a
// throwaway Sentinel-managed primary (REDIS_MODE=sentinel), then on a throwaway cluster of three primaries with a
// replica each (REDIS_MODE=cluster). Unit tests touch no Redis, and the dashboard's browser tests reach it only
// through the GraphQL API the end-to-end suite covers in every mode, so both run once, in the main pass.
//
// Left out: the files that start a Redis of their own and never touch the run's, so a pass in another mode
// would test nothing new. redis-failover and redis-resharding start a Sentinel set or a cluster themselves and
// kill or reshard it; redis-outage stops and restarts a server of its own; embedded-redis-process and
// embedded-redis test the embedded server's lifecycle; notify-outage a notification queue whose Redis goes away.
import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config.js';

const OWN_REDIS = [
  'test/e2e/embedded-redis-process.test.ts',
  'test/e2e/redis-failover.test.ts',
  'test/e2e/redis-outage.test.ts',
  'test/e2e/redis-resharding.test.ts',
  'test/integration/embedded-redis.test.ts',
  'test/integration/notify-outage.test.ts',
];

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...OWN_REDIS],
  },
});
