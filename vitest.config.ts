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
    reporters: ['default'],
  },
});
