// The admin CLI the end-to-end tests spawn, compiled once per run by the global setup: a process per command
// starts in about half the time it takes through the TypeScript loader, which is most of those tests' run
// time. Its own folder, so that a build of dist/ meanwhile (`npm start`, the bench) cannot pull files from
// under a running test.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

// Beside dist/, at the same depth: the compiled code finds package.json one folder up, as dist/ does.
export const TEST_CLI_DIST = 'dist-test';

export function compileCli(): void {
  const root = path.resolve(import.meta.dirname, '../..');
  execFileSync(process.execPath, ['scripts/build-server.mjs', TEST_CLI_DIST], {
    cwd: root,
    stdio: 'inherit',
  });
}
