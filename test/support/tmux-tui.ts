// Drives a full-screen terminal program (a TUI) from a test: runs it inside a detached tmux session of a
// fixed size, reads the rendered screen with `capture-pane`, waits for text to appear and types keys into
// it. Each session gets its own tmux server (a socket in a fresh temporary directory, no user config), so
// tests never touch a developer's tmux, parallel tests never share a server, and `kill()` leaves nothing
// behind.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { isRunning } from './process-state.js';

/**
 * Resolves once a process that is not ours (no exit event to await) has ended; after `graceMs`, kills it.
 * Polled, since nothing else tells of the end of another process's child.
 */
async function ended(pid: number, graceMs = 10_000): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      return;
    }
    await delay(POLL_INTERVAL_MS);
  }
}

/** Environment for the program; `undefined` removes a variable inherited from the test process. */
export type TuiEnv = Record<string, string | undefined>;

export interface TmuxTuiOptions {
  /** Session name (shown in errors): letters, digits, `_` and `-`. */
  name: string;
  /** The program and its arguments (run through `sh -c` with every word quoted, so no shell expansion). */
  command: readonly string[];
  /** Working directory of the program. */
  cwd: string;
  /** Set (or, with `undefined`, unset) on top of the test process's environment. */
  env?: TuiEnv;
  /** Terminal width in columns (default 200). */
  cols?: number;
  /** Terminal height in rows (default 50). */
  rows?: number;
  /** The tmux binary (default `tmux` on PATH). */
  tmuxPath?: string;
}

/** One step of `send`: literal text (typed character by character) or a tmux key name like `Enter`. */
export type TuiKey = { text: string } | { key: string };

export interface TmuxTui {
  readonly name: string;
  /** The visible screen as plain text, one line per row (tmux drops trailing blanks). */
  screen(): Promise<string>;
  /**
   * Polls the screen every ~100 ms until it contains `expected` (a substring, or a regular expression
   * tested against the whole screen) and returns that screen. Throws, with the last screen in the
   * message, after `timeoutMs` or as soon as the program has exited without the screen matching.
   */
  waitFor(expected: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Sends keys in order: `{ text }` literally (`send-keys -l`), `{ key }` as a tmux key name. */
  send(...keys: TuiKey[]): Promise<void>;
  /** Types literal text; shorthand for `send({ text })`. */
  type(text: string): Promise<void>;
  /** Presses named keys such as `Enter`, `Escape`, `Up`, `Down`, `Tab`, `BSpace` or `C-c`. */
  press(...keys: string[]): Promise<void>;
  /** Whether the program is still running (its pane stays on screen after it exits, for a last look). */
  isRunning(): Promise<boolean>;
  /** Stops the program and the private tmux server; safe to call more than once. */
  kill(): Promise<void>;
}

const POLL_INTERVAL_MS = 100;
const DEFAULT_TIMEOUT_MS = 10_000;
const STATE_MARKER = '__tmux_tui_pane_dead__';

/** Quotes one word for `sh`, so the command reaches the program exactly as given. */
function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The environment for the tmux server started for this session: the test's own, with `env` applied. */
function mergedEnv(env: TuiEnv | undefined): Record<string, string> {
  const merged: TuiEnv = { ...process.env, ...env };
  // A TMUX variable inherited from a developer's shell would point the new client at their server.
  delete merged.TMUX;
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(merged)) if (value !== undefined) clean[name] = value;
  return clean;
}

/**
 * The shell command tmux runs in the pane. tmux sets `TERM` (and a few variables of its own) for every
 * pane, so the variables the caller set are applied again with `env` inside the pane, where they win.
 */
function paneCommand(command: readonly string[], env: TuiEnv | undefined): string {
  const entries = Object.entries(env ?? {});
  const words = ['exec', 'env'];
  // env takes its options (`-u NAME`) before the first NAME=VALUE.
  for (const [name, value] of entries) if (value === undefined) words.push('-u', shellQuote(name));
  // `--` ends env's options; a command whose first word contains `=` would still be read as a variable.
  words.push('--');
  for (const [name, value] of entries) if (value !== undefined) words.push(shellQuote(`${name}=${value}`));
  words.push(...command.map(shellQuote));
  return words.join(' ');
}

/** Starts `command` in a new detached tmux session and returns a handle to drive it. */
export async function startTmuxTui(options: TmuxTuiOptions): Promise<TmuxTui> {
  const { name, command, cwd, env } = options;
  if (!/^[A-Za-z0-9_-]+$/.test(name))
    throw new Error(`tmux session name ${JSON.stringify(name)} is not usable`);
  if (command.length === 0) throw new Error('tmux-tui needs a command to run');
  const tmuxPath = options.tmuxPath ?? 'tmux';
  const serverEnv = mergedEnv(env);
  const socketDir = await mkdtemp(path.join(tmpdir(), 'tmux-tui-'));
  const socket = path.join(socketDir, 'socket');
  let killed = false;

  /** Runs one tmux command line against this session's private server and returns its stdout. */
  function tmux(args: readonly string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        tmuxPath,
        ['-S', socket, '-f', '/dev/null', ...args],
        { env: serverEnv, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`tmux ${args[0] ?? ''} failed: ${stderr.trim() || error.message}`));
          else resolve(stdout);
        },
      );
    });
  }

  /** The screen and whether the program has exited, read in one tmux call so the two agree. */
  async function snapshot(): Promise<{ screen: string; dead: boolean }> {
    const out = await tmux([
      'capture-pane',
      '-p',
      '-t',
      name,
      ';',
      'display-message',
      '-p',
      '-t',
      name,
      `${STATE_MARKER} #{pane_dead}`,
    ]);
    const at = out.lastIndexOf(STATE_MARKER);
    if (at === -1) return { screen: out, dead: false };
    return {
      screen: out.slice(0, at).replace(/\n$/, ''),
      dead: out.slice(at + STATE_MARKER.length).trim() === '1',
    };
  }

  async function send(...keys: TuiKey[]): Promise<void> {
    for (const step of keys) {
      // `--` keeps text that starts with `-` from being read as an option of send-keys.
      if ('text' in step) await tmux(['send-keys', '-t', name, '-l', '--', step.text]);
      else await tmux(['send-keys', '-t', name, step.key]);
    }
  }

  // `remain-on-exit` keeps the pane (and its last screen) after the program ends, so a test can still read
  // what it printed on the way out; it is set in the same tmux call, before the program can exit.
  const newSession = [
    'new-session',
    '-d',
    '-s',
    name,
    '-x',
    String(options.cols ?? 200),
    '-y',
    String(options.rows ?? 50),
    '-c',
    cwd,
    paneCommand(command, env),
    ';',
    'set-option',
    '-w',
    '-t',
    name,
    'remain-on-exit',
    'on',
  ];
  try {
    await tmux(newSession);
  } catch (error) {
    await rm(socketDir, { recursive: true, force: true });
    throw error;
  }

  return {
    name,
    async screen() {
      return (await snapshot()).screen;
    },
    async waitFor(expected, timeoutMs = DEFAULT_TIMEOUT_MS) {
      // `search` ignores a global regex's lastIndex, so the same RegExp can be passed again and again.
      const matches = (screen: string) =>
        typeof expected === 'string' ? screen.includes(expected) : screen.search(expected) !== -1;
      const shown = typeof expected === 'string' ? JSON.stringify(expected) : String(expected);
      const deadline = Date.now() + timeoutMs;
      // tmux has no event for "the screen changed", so this polls on a short interval.
      for (;;) {
        const { screen, dead } = await snapshot();
        if (matches(screen)) return screen;
        if (dead || Date.now() >= deadline) {
          const why = dead ? 'the program exited' : `${timeoutMs} ms passed`;
          throw new Error(`tmux-tui ${name}: ${why} without ${shown} on screen. Last screen:\n${screen}`);
        }
        await delay(POLL_INTERVAL_MS);
      }
    },
    send,
    type(text) {
      return send({ text });
    },
    press(...keys) {
      return send(...keys.map((key) => ({ key })));
    },
    async isRunning() {
      return !(await snapshot()).dead;
    },
    async kill() {
      if (killed) return;
      killed = true;
      const panePid = Number(
        (await tmux(['display-message', '-p', '-t', name, '#{pane_pid}']).catch(() => '')).trim(),
      );
      // kill-server ends the pane's program (SIGHUP) and the server; it fails only if both are gone already.
      await tmux(['kill-server']).catch(() => undefined);
      // The program may still be saving its state on the way out (Claude Code writes into its home directory),
      // and a test removes that directory next: it is gone only once the program is.
      if (panePid > 0) await ended(panePid);
      await rm(socketDir, { recursive: true, force: true });
    },
  };
}
