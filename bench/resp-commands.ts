// Reads command names out of a client→Redis RESP byte stream and labels them request-path or background.
import { createHash } from 'node:crypto';
import type { createKeys } from '../src/services/redis/keys.js';
import { readScriptSpecs } from '../src/services/redis/scripts.js';

/** Only the first arguments are kept (name, sha or key, a flag); payloads are skipped without copying. */
const CAPTURED_ARGS = 3;
const CAPTURED_BYTES = 160;

/** Incremental parser: commands may be split across TCP chunks at any byte. */
export class RespCommandReader {
  private header = '';
  private state: 'array' | 'bulkHeader' | 'bulkBody' = 'array';
  private argsLeft = 0;
  private bodyLeft = 0;
  private argLength = 0;
  private captured = '';
  private args: string[] = [];

  constructor(private readonly onCommand: (args: string[]) => void) {}

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.state === 'bulkBody') {
        const take = Math.min(this.bodyLeft, chunk.length - at);
        const consumed = this.argLength + 2 - this.bodyLeft;
        if (this.args.length < CAPTURED_ARGS && consumed < CAPTURED_BYTES) {
          const wanted = Math.min(take, CAPTURED_BYTES - consumed, Math.max(0, this.argLength - consumed));
          this.captured += chunk.toString('latin1', at, at + wanted);
        }
        at += take;
        this.bodyLeft -= take;
        if (this.bodyLeft === 0) this.endArgument();
        continue;
      }
      const newline = chunk.indexOf(10, at);
      if (newline === -1) {
        this.header += chunk.toString('latin1', at);
        return;
      }
      const line = (this.header + chunk.toString('latin1', at, newline)).replace(/\r$/, '');
      this.header = '';
      at = newline + 1;
      this.onHeader(line);
    }
  }

  private onHeader(line: string): void {
    if (this.state === 'array') {
      if (line.startsWith('*')) {
        this.argsLeft = Number(line.slice(1));
        this.args = [];
        if (this.argsLeft > 0) this.state = 'bulkHeader';
      } else if (line.trim() !== '') {
        this.onCommand(line.trim().split(/\s+/)); // inline command (redis-cli style); ioredis never sends these
      }
      return;
    }
    // bulkHeader: `$<length>`
    this.argLength = Math.max(0, Number(line.slice(1)) || 0);
    this.bodyLeft = this.argLength + 2;
    this.captured = '';
    this.state = 'bulkBody';
  }

  private endArgument(): void {
    if (this.args.length < CAPTURED_ARGS) this.args.push(this.captured);
    this.captured = '';
    this.argsLeft -= 1;
    if (this.argsLeft > 0) {
      this.state = 'bulkHeader';
      return;
    }
    this.state = 'array';
    this.onCommand(this.args);
  }
}

export interface CommandLabel {
  label: string;
  /** True for work that does not belong to any one request: jobs, connection set-up, lease renewal. */
  background: boolean;
}

/** Scripts run by background jobs, not by requests (rollup job, leader locks, the reconciler). */
const BACKGROUND_SCRIPTS = new Set([
  'rollup-apply',
  'lock-renew',
  'lock-release',
  'key-reconcile',
  'reconcile-forget',
]);
const CONNECTION_COMMANDS = new Set([
  'client',
  'info',
  'ping',
  'select',
  'hello',
  'auth',
  'subscribe',
  'psubscribe',
  'unsubscribe',
  'script',
  'quit',
]);

export function createCommandLabeler(keys: ReturnType<typeof createKeys>): (args: string[]) => CommandLabel {
  // ioredis runs defined commands with EVALSHA of the script's text (EVAL on a NOSCRIPT miss).
  const bySha = new Map<string, string>();
  const byPrefix: Array<{ prefix: string; name: string }> = [];
  for (const spec of readScriptSpecs()) {
    bySha.set(createHash('sha1').update(spec.lua).digest('hex'), spec.name);
    byPrefix.push({ prefix: spec.lua.slice(0, CAPTURED_BYTES), name: spec.name });
  }
  const cursorKey = keys.usageCursor();
  const lockPrefix = keys.lock('');

  return (args) => {
    const name = (args[0] ?? '').toLowerCase();
    const first = args[1] ?? '';
    if (name === 'evalsha' || name === 'eval') {
      const script =
        name === 'evalsha' ? bySha.get(first) : byPrefix.find((entry) => entry.prefix === first)?.name;
      return { label: `script:${script ?? 'unknown'}`, background: BACKGROUND_SCRIPTS.has(script ?? '') };
    }
    if (CONNECTION_COMMANDS.has(name)) return { label: name, background: true };
    // The rollup job tails the ledger stream and keeps its cursor; its leader lock is a plain SET NX.
    if (name === 'xread' || name === 'xreadgroup' || name === 'xrange')
      return { label: name, background: true };
    if ((name === 'get' || name === 'set') && (first === cursorKey || first.startsWith(lockPrefix))) {
      return { label: `${name} ${first === cursorKey ? 'usage-cursor' : 'job-lock'}`, background: true };
    }
    // The reconciler reads its index and trims expired account leases of every pool.
    if (name === 'zrangebyscore' || name === 'smembers' || name === 'zremrangebyscore')
      return { label: name, background: true };
    // The lease keeper renews every live lease with ZADD XX once per interval.
    if (name === 'zadd' && (args[2] ?? '').toUpperCase() === 'XX')
      return { label: 'zadd xx', background: true };
    return { label: name, background: false };
  };
}

/** The connection name ioredis sets with `CLIENT SETNAME`, which tells the relay's connections apart. */
export function connectionNameOf(args: string[]): string | undefined {
  if ((args[0] ?? '').toLowerCase() !== 'client' || (args[1] ?? '').toLowerCase() !== 'setname')
    return undefined;
  return args[2];
}
