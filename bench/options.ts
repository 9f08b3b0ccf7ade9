// Command-line flags of `npm run bench`.
import { parseArgs } from 'node:util';
import { MODES, type Mode } from './load.js';

const USAGE = `usage: npm run bench -- [--quick] [--duration 8] [--warmup 2] [--log-level info]
                        [--modes non-stream,sse] [--connections 1,10,50] [--profile]
                        [--workers auto|N] [--metrics] [--caller key|owned-key|device] [--source]
                        [--role all|relay] [--relay-node-options '<flags>'] [--alloc-profile]
                        [--soak 600]   (seconds of mixed load at c=50 instead of the scenarios)`;

/** Who sends the load: a key with no owner, a person's key under a spend cap, or a signed-in device. */
export const CALLERS = ['key', 'owned-key', 'device'] as const;
export type Caller = (typeof CALLERS)[number];

export type BenchOptions = ReturnType<typeof readOptions>;

export function readOptions() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
      modes: { type: 'string', default: MODES.join(',') },
      connections: { type: 'string', default: '1,10,50' },
      profile: { type: 'boolean', default: false },
      workers: { type: 'string' },
      metrics: { type: 'boolean', default: false },
      caller: { type: 'string', default: 'key' },
      source: { type: 'boolean', default: false },
      role: { type: 'string', default: 'all' },
      'relay-node-options': { type: 'string' },
      'alloc-profile': { type: 'boolean', default: false },
      soak: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const seconds = (value: string | undefined, fallback: number) => {
    const parsed = value === undefined ? fallback : Number(value);
    if (!Number.isFinite(parsed) || parsed < 0)
      throw new Error(`not a number of seconds: ${value}\n${USAGE}`);
    return parsed;
  };
  const modes = values.modes.split(',').map((mode) => mode.trim());
  for (const mode of modes)
    if (!MODES.includes(mode as Mode)) throw new Error(`unknown mode ${mode}\n${USAGE}`);
  const connections = values.connections.split(',').map(Number);
  if (connections.some((count) => !Number.isInteger(count) || count < 1)) throw new Error(USAGE);
  const durationSec = seconds(values.duration, values.quick ? 3 : 8);
  // autocannon reads a zero duration as "no limit".
  if (durationSec === 0) throw new Error(`--duration must be more than 0\n${USAGE}`);
  const soakSec = parseSoak(values.soak);
  const caller = CALLERS.find((name) => name === values.caller);
  if (!caller) throw new Error(`--caller must be one of ${CALLERS.join(', ')}\n${USAGE}`);
  if (values.role !== 'all' && values.role !== 'relay')
    throw new Error(`--role must be all or relay\n${USAGE}`);
  return {
    caller,
    /** The measured relay's SERVER_ROLE: `relay` leaves the control plane unloaded. */
    role: values.role,
    /** NODE_OPTIONS for the measured relay only (V8 heap flags, say), not for the bench's other processes. */
    relayNodeOptions: values['relay-node-options'],
    /** Run the relay from its TypeScript sources through tsx instead of the compiled dist/. */
    fromSource: values.source,
    durationSec,
    warmupSec: seconds(values.warmup, values.quick ? 1 : 2),
    logLevel: values['log-level'],
    modes: modes as Mode[],
    connections,
    profile: values.profile,
    /** Samples every allocation of each measured relay run over the inspector and prints where they come from. */
    allocProfile: values['alloc-profile'],
    workers: parseWorkers(values.workers),
    /** The relay keeps Prometheus metrics (a scrape token is set), as a deployment that scrapes it would. */
    metrics: values.metrics || soakSec !== undefined,
    /** Seconds of soak (bench/soak.ts) instead of the scenarios; it reads the relay's heap from its metrics. */
    soakSec,
  };
}

/** A soak's minute windows need whole minutes from ten minutes on; shorter soaks use tenths. */
function parseSoak(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 60 || (seconds > 600 && seconds % 60 !== 0))
    throw new Error(`--soak takes whole seconds, at least 60, and whole minutes above 600\n${USAGE}`);
  return seconds;
}

function parseWorkers(value: string | undefined): number | 'auto' | undefined {
  if (value === undefined || value === 'auto') return value;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`--workers must be auto or a whole number\n${USAGE}`);
  return count;
}
