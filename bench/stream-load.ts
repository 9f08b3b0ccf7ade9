// The streams bench's load generator as seen from the bench: what it is asked, what it reports, and its process.
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { z } from 'zod';
import { ROOT, stopChild } from './processes.js';

export const loadSpecSchema = z.object({
  /** The relay's origin. */
  url: z.string(),
  /** The caller's credentials (x-api-key). */
  headers: z.record(z.string(), z.string()),
  streams: z.number().int().min(1),
  /** Requests are started evenly over this long, not all in one millisecond. */
  rampMs: z.number().int().min(0),
  /** Text deltas a complete answer carries; fewer means the stream lost events. */
  deltas: z.number().int().min(1),
  /** A stream still open this long after the first request started is given up and counted as timed out. */
  deadlineMs: z.number().int().min(1),
  /** An answered stream silent this long is stuck: given up and counted as incomplete. */
  stallMs: z.number().int().min(1),
  /** Prefix of each request's x-request-id, so the ledger entries of this run can be told apart. */
  runId: z.string(),
});
export type LoadSpec = z.infer<typeof loadSpecSchema>;

const countsSchema = z.object({
  /** Milliseconds since the first request started. */
  elapsedMs: z.number(),
  started: z.number(),
  /** Answered 200 and not yet ended: streams open right now. */
  open: z.number(),
  /** The most streams open at the same time so far. */
  peakOpen: z.number(),
  /** Answered 200 so far (open or done). */
  opened: z.number(),
  /** Ended with message_stop after every delta. */
  completed: z.number(),
  /** Non-2xx answers by status. */
  statuses: z.record(z.string(), z.number()),
  /** The connection failed or was cut (socket error, reset, aborted response). */
  connectionErrors: z.number(),
  /** Ended without message_stop, with missing deltas, or with an error event. */
  incomplete: z.number(),
  /** Still open at the deadline. */
  timedOut: z.number(),
  /** When the last of the streams answered 200, ms since the first request started. */
  allOpenAtMs: z.number().optional(),
  /** Error messages seen, a few of each kind, to say what went wrong. */
  errorSamples: z.array(z.string()),
});
export type LoadCounts = z.infer<typeof countsSchema>;

const latencySchema = z.object({ p50: z.number(), p99: z.number(), max: z.number() });
export type Latency = z.infer<typeof latencySchema>;

export const loadMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), counts: countsSchema }),
  z.object({
    type: z.literal('done'),
    counts: countsSchema,
    /** From a request's start to its 200 (the relay has the upstream's first event by then). */
    openMs: latencySchema,
    /** From a request's start to its stream's end, for completed streams. */
    streamMs: latencySchema,
  }),
]);
export type LoadMessage = z.infer<typeof loadMessageSchema>;
export type LoadResult = Extract<LoadMessage, { type: 'done' }>;

export interface StreamLoad {
  pid: number;
  /** Resolves with the final counts once every stream has ended or the deadline passed. */
  done: Promise<LoadResult>;
  stop(): Promise<void>;
}

/**
 * Runs the load in a child process of its own: 10,000 client sockets and their parsing would otherwise share
 * the bench's file descriptors and event loop with the sampling that measures the relay.
 */
export function startStreamLoad(spec: LoadSpec, onProgress: (counts: LoadCounts) => void): StreamLoad {
  const child: ChildProcess = fork('bench/stream-load-process.ts', [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const done = new Promise<LoadResult>((resolve, reject) => {
    child.on('message', (raw: unknown) => {
      const parsed = loadMessageSchema.safeParse(raw);
      if (!parsed.success) return reject(new Error(`load generator sent ${JSON.stringify(raw)}`));
      const message = parsed.data;
      if (message.type === 'progress') onProgress(message.counts);
      else resolve(message);
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`load generator exited (${code ?? signal}) before reporting its result`)),
    );
  });
  // A rejection nobody awaits yet (an early crash) must not end the bench before its clean-up.
  done.catch(() => {});
  void once(child, 'spawn').then(() => child.send(spec));
  return { pid: child.pid ?? 0, done, stop: () => stopChild(child) };
}
