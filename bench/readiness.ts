// Knowing when a child process is ready: a JSON line on its stdout, or an HTTP answer; plus its stderr tail.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** Polls `HEAD /` (a relay route that needs no key) until it answers. */
export async function waitUntilServing(
  url: string,
  child: ChildProcess,
  stderr: () => string,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`relay exited (${child.exitCode ?? child.signalCode}); stderr:\n${stderr()}`);
    }
    try {
      if ((await fetch(`${url}/`, { method: 'HEAD' })).ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`relay not serving within ${timeoutMs} ms; stderr:\n${stderr()}`);
}

export function tailCollector(child: ChildProcess): () => string {
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-8192);
  });
  return () => tail;
}

/** Reads stdout lines until one parses to JSON matching `predicate`; then stops reading lines. */
export function firstMatchingLine(
  child: ChildProcess,
  predicate: (value: Record<string, unknown>) => boolean,
  stderr: () => string,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  const stdout = child.stdout;
  if (!stdout) return Promise.reject(new Error('child has no stdout'));
  const lines = createInterface({ input: stdout });
  return new Promise((resolve, reject) => {
    const finish = (error: Error | undefined, value?: Record<string, unknown>) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      lines.off('line', onLine);
      lines.close();
      if (error || !value) reject(error ?? new Error('no value'));
      else resolve(value);
    };
    const onLine = (text: string) => {
      try {
        const value: unknown = JSON.parse(text);
        if (typeof value === 'object' && value !== null && predicate(value as Record<string, unknown>)) {
          finish(undefined, value as Record<string, unknown>);
        }
      } catch {
        // Not JSON (a stray console line): keep waiting.
      }
    };
    const onExit = (code: number | null) =>
      finish(new Error(`child exited (${code}) before it was ready; stderr:\n${stderr()}`));
    const timer = setTimeout(
      () => finish(new Error(`child not ready within ${timeoutMs} ms; stderr:\n${stderr()}`)),
      timeoutMs,
    );
    lines.on('line', onLine);
    child.once('exit', onExit);
  });
}
