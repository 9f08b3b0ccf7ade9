// Command-line flags of `npm run bench:streams`, and how many relay workers a stream count needs.
import { parseArgs } from 'node:util';

const USAGE = `usage: npm run bench:streams -- [--streams 10000] [--rate 500] [--deltas 55] [--interval-ms 1000]
                                [--workers N] [--log-level info] [--profile]`;

/** An API key's concurrency limit goes up to this (api-key-types.ts); the bench uses one key. */
export const MAX_STREAMS = 10_000;

/** Descriptors a relay process needs besides its streams: Redis connections, the listener, logs, Node's own. */
export const FILE_HEADROOM = 1000;

export type StreamsOptions = ReturnType<typeof readStreamsOptions>;

export function readStreamsOptions(fileLimit: number) {
  const { values } = parseArgs({
    options: {
      streams: { type: 'string', default: '10000' },
      // New streams a second. Measured on the 2-core machine this was written on (relay, fake upstream and load
      // sharing both cores): the relay opens about 300-500 a second while it streams, so a faster crowd only
      // queues (and past the accept queue's 511, waits for SYN retries), which the summary then shows.
      rate: { type: 'string', default: '500' },
      // A 60 s answer (a long agent turn): every stream must still be open when the last one opens, and
      // opening 10,000 takes about half a minute here.
      deltas: { type: 'string', default: '55' },
      'interval-ms': { type: 'string', default: '1000' },
      workers: { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      profile: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const whole = (name: string, value: string, min: number) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min)
      throw new Error(`--${name} must be a whole number >= ${min}\n${USAGE}`);
    return parsed;
  };
  const streams = whole('streams', values.streams, 1);
  if (streams > MAX_STREAMS)
    throw new Error(`--streams: one key admits at most ${MAX_STREAMS} at once\n${USAGE}`);
  // The load generator and the fake upstream each hold one socket per stream in a single process.
  if (streams + FILE_HEADROOM > fileLimit)
    throw new Error(
      `--streams ${streams} needs more than this machine's ${fileLimit} open files per process`,
    );
  const rate = whole('rate', values.rate, 1);
  const deltas = whole('deltas', values.deltas, 1);
  const intervalMs = whole('interval-ms', values['interval-ms'], 0);
  const needed = workersNeeded(streams, fileLimit);
  const workers = values.workers === undefined ? needed : whole('workers', values.workers, 1);
  return {
    streams,
    rate,
    /** Starts are spread evenly over this long. */
    rampMs: Math.round((1000 * streams) / rate),
    deltas,
    intervalMs,
    /** message_start, block start, ping, the deltas, block stop, message_delta, message_stop: one interval apart. */
    streamMs: (deltas + 5) * intervalMs,
    workers,
    /** The fewest workers whose descriptors fit the streams; less than `workers` means the run will fail. */
    workersNeeded: needed,
    logLevel: values['log-level'],
    /** The relay (each worker) runs with --cpu-prof; its profile is summarised over the streams' window. */
    profile: values.profile,
  };
}

/**
 * A relay process holds two sockets per stream it serves, the client's and the upstream's, so one process
 * under a limit of L open files serves at most (L - headroom) / 2 streams; the cluster's round robin hands
 * each worker an equal share.
 */
export function workersNeeded(streams: number, fileLimit: number): number {
  return Math.max(1, Math.ceil((2 * streams) / (fileLimit - FILE_HEADROOM)));
}
