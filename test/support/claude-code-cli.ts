// The real Claude Code CLI for end-to-end tests, from npm (`@anthropic-ai/claude-code`, a pinned version): found
// at CLAUDE_CODE_BIN, or installed once into a cache folder outside the project (it is large and not a project
// dependency). The npm package carries a native binary per platform as an optional dependency; that binary is
// what runs, so no install script is needed.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export const CLAUDE_CODE_VERSION = '2.1.332';

const run = promisify(execFile);

function platformPackage(): string {
  const os = process.platform === 'darwin' ? 'darwin' : process.platform === 'win32' ? 'win32' : 'linux';
  return `@anthropic-ai/claude-code-${os}-${process.arch}`;
}

function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache');
  return path.join(base, 'llm-relay-test-clients', `claude-code-${CLAUDE_CODE_VERSION}`);
}

/** The path of the `claude` binary, installing the pinned version first when it is not there yet. */
export async function claudeCodeBinary(): Promise<string> {
  const given = process.env.CLAUDE_CODE_BIN;
  if (given) return given;
  const dir = cacheDir();
  const binary = path.join(
    dir,
    'node_modules',
    platformPackage(),
    process.platform === 'win32' ? 'claude.exe' : 'claude',
  );
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  await run(
    'npm',
    [
      'install',
      '--prefix',
      dir,
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      `@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}`,
    ],
    { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 },
  );
  if (!existsSync(binary)) throw new Error(`Installed Claude Code, but ${binary} is not there`);
  return binary;
}
