// Item 2, replayed: anonymous clients that announce a large body and stop sending, and clients that connect
// and send nothing, against a relay limited to 1,024 open files; a keyed client must still be served.
import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { type FaultContext, percentile, send } from './context.js';

export interface IdleSocketFigures {
  fileLimit: number;
  stalledBodies: SocketWave;
  silent: SocketWave;
  /** A keyed request sent while the stalled sockets were open. */
  keyedDuring: { status: number; ms: number };
  relayFiles: { before: number; peak: number; after: number };
}

export interface SocketWave {
  opened: number;
  /** Closed by the relay before the wave's deadline. */
  closedByRelay: number;
  answered: Record<string, number>;
  closeMs: { p50: number; max: number };
}

function openFiles(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return Number.NaN;
  }
}

/** Opens `count` sockets that each write `head` and then nothing; resolves when all are closed or at `deadlineMs`. */
async function wave(
  url: string,
  count: number,
  head: string,
  deadlineMs: number,
  duringOpen: () => Promise<void>,
): Promise<SocketWave> {
  const { hostname, port } = new URL(url);
  const closeMs: number[] = [];
  const answered: Record<string, number> = {};
  const sockets: Socket[] = [];
  const closed = Array.from({ length: count }, () => {
    const started = performance.now();
    const socket = connect(Number(port), hostname);
    sockets.push(socket);
    socket.on('error', () => {});
    socket.once('connect', () => {
      if (head !== '') socket.write(head);
    });
    let first = true;
    socket.on('data', (chunk: Buffer) => {
      if (!first) return;
      first = false;
      const status = /^HTTP\/1\.1 (\d{3})/.exec(chunk.toString('latin1'))?.[1] ?? 'other';
      answered[status] = (answered[status] ?? 0) + 1;
    });
    return new Promise<void>((resolve) => {
      socket.once('close', () => {
        closeMs.push(performance.now() - started);
        resolve();
      });
    });
  });
  await duringOpen();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(closed),
    new Promise((resolve) => {
      timer = setTimeout(resolve, deadlineMs);
    }),
  ]);
  clearTimeout(timer);
  const closedByRelay = closeMs.length;
  for (const socket of sockets) socket.destroy();
  return {
    opened: count,
    closedByRelay,
    answered,
    closeMs: { p50: Math.round(percentile(closeMs, 0.5)), max: Math.round(Math.max(0, ...closeMs)) },
  };
}

export async function runIdleSockets(
  ctx: FaultContext,
  options: { sockets: number; fileLimit: number; keyedKey: string },
): Promise<IdleSocketFigures> {
  const pid = ctx.relay.pid;
  const before = openFiles(pid);
  let peak = before;
  let keyedDuring = { status: 0, ms: 0 };
  const stalledBodies = await wave(
    ctx.relay.url,
    options.sockets,
    'POST /v1/messages HTTP/1.1\r\nHost: relay\r\ncontent-type: application/json\r\n' +
      'x-api-key: cr_not_a_key\r\ncontent-length: 10000000\r\n\r\n{"model":"claude-haiku-4-5",',
    120_000,
    async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      peak = Math.max(peak, openFiles(pid));
      const answer = await send(ctx.relay.url, options.keyedKey);
      keyedDuring = { status: answer.status, ms: Math.round(answer.ms) };
    },
  );
  const silent = await wave(ctx.relay.url, options.sockets, '', 120_000, async () => {
    await new Promise((resolve) => setTimeout(resolve, 500));
    peak = Math.max(peak, openFiles(pid));
  });
  return {
    fileLimit: options.fileLimit,
    stalledBodies,
    silent,
    keyedDuring,
    relayFiles: { before, peak, after: openFiles(pid) },
  };
}
