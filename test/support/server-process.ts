// Spawns the real server entry point (`src/main.ts`, directly or through `npm start`) and follows its JSON log.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  stderr: () => string;
  /** Resolves with the first log line matching the predicate (past or future). */
  waitForLog(predicate: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The server's "listening" log line: it carries the address the server took. */
export const listening = (line: Record<string, unknown>) =>
  typeof line.url === 'string' && line.msg !== undefined;

/** Kills (`SIGKILL`) every server in `started` still running, waits for each, and empties the list. */
export async function killStarted(started: ServerProcess[]): Promise<void> {
  for (const server of started.splice(0)) {
    if (server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
  }
}

/** `nodeArgs` go before the entry point, e.g. another `--import`. */
export function spawnServer(env: Record<string, string | undefined>, nodeArgs: string[] = []): ServerProcess {
  return follow(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts'], env);
}

/**
 * `npm start`, the README's start command: npm runs the server through `sh -c`, so the server is a grandchild.
 * Its log lines (with their `pid`) arrive on npm's stdout, which the server inherits.
 */
export function spawnNpmStart(env: Record<string, string | undefined>): ServerProcess {
  return follow('npm', ['start'], env);
}

function follow(command: string, args: string[], env: Record<string, string | undefined>): ServerProcess {
  const cleanEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...process.env, ...env })) {
    if (value !== undefined) cleanEnv[name] = value;
  }
  const child = spawn(command, args, {
    cwd: ROOT,
    env: cleanEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<{
    predicate: (line: Record<string, unknown>) => boolean;
    resolve: (line: Record<string, unknown>) => void;
  }> = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  if (child.stdout) {
    createInterface({ input: child.stdout }).on('line', (text) => {
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text);
      } catch {
        line = { raw: text };
      }
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.predicate(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    });
  }
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    waitForLog(predicate) {
      const found = lines.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        waiters.push({ predicate, resolve });
        exited.then(({ code }) =>
          reject(new Error(`server exited (${code}) before the expected log line; stderr:\n${stderr}`)),
        );
      });
    },
  };
}
