// A tiny detached process that outlives a SIGKILLed bench and stops the children it had registered.
import { spawn } from 'node:child_process';

/**
 * The bench stops its children itself on exit, errors and Ctrl-C. Only SIGKILL skips that, and then the
 * relay and redis-server would linger; the watchdog notices its stdin closing and terminates them.
 */
const SCRIPT = `
const pids = new Set();
let buffer = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  for (let end = buffer.indexOf('\\n'); end !== -1; end = buffer.indexOf('\\n')) {
    const [op, pid] = buffer.slice(0, end).split(' ');
    buffer = buffer.slice(end + 1);
    if (op === 'watch') pids.add(Number(pid));
    if (op === 'exit') process.exit(0);
  }
});
const signal = (name) => { for (const pid of pids) { try { process.kill(pid, name); } catch {} } };
process.stdin.on('end', () => {
  signal('SIGTERM');
  setTimeout(() => { signal('SIGKILL'); process.exit(0); }, 10000);
});
`;

export interface Watchdog {
  watch(pid: number): void;
  /** Normal exit: the bench has stopped everything itself, so the watchdog just leaves. */
  dismiss(): void;
}

export function startWatchdog(): Watchdog {
  const child = spawn(process.execPath, ['-e', SCRIPT], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  child.unref();
  const stdin = child.stdin;
  // The pipe must not keep the bench alive, and a dead watchdog must not crash it.
  stdin?.on('error', () => {});
  if (stdin && 'unref' in stdin && typeof stdin.unref === 'function') stdin.unref();
  return {
    watch: (pid) => void stdin?.write(`watch ${pid}\n`),
    dismiss: () => void stdin?.end('exit\n'),
  };
}
