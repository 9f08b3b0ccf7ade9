// Test runner configuration: one throwaway Redis for the whole run, every test file in its own key prefix.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Vite prefers graphql's ESM build while Pothos requires its CommonJS build; two copies of graphql refuse
    // each other's types. Node itself resolves the CommonJS entry, so tests use that one too.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Files share their worker's loaded modules instead of each starting a fresh process and loading the whole
    // server again: that start-up was a third of the run's time and most of its CPU. Files keep to their own
    // key prefix, servers, ports and temporary folders, and restore what they change (fake timers), so nothing
    // one leaves behind reaches the next.
    isolate: false,
    reporters: ['default'],
  },
});
