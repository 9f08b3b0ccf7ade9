// TCP proxy between the relay and Redis that counts round trips ("turns") per client connection.
import { once } from 'node:events';
import { createConnection, createServer, type Socket } from 'node:net';
import { type CommandLabel, connectionNameOf, RespCommandReader } from './resp-commands.js';

/**
 * A turn starts when the client sends bytes after the server last sent bytes. Pipelined or auto-pipelined
 * commands travel in one burst and so count once, which is what a round trip costs in latency.
 */
export interface TurnCounts {
  turns: number;
  /** Turns that carried at least one command of a request (not a job, renewal or connection set-up). */
  requestPathTurns: number;
  commands: number;
  requestPathCommands: number;
}

export interface TripSnapshot {
  at: number;
  /** By connection name (`CLIENT SETNAME`, e.g. `relay:main`); unnamed ones as `unnamed`. */
  byConnection: Record<string, TurnCounts>;
  /** Count of finished turns by their sorted command labels, e.g. `relay:main script:account-acquire`. */
  signatures: Record<string, number>;
}

export interface TripCounter {
  url: string;
  snapshot(): TripSnapshot;
  close(): Promise<void>;
}

const MAX_SIGNATURES = 500;

export async function startTripCounter(options: {
  target: { host: string; port: number };
  label: (args: string[]) => CommandLabel;
}): Promise<TripCounter> {
  const totals = new Map<string, TurnCounts>();
  const signatures = new Map<string, number>();
  const sockets = new Set<Socket>();

  const countsFor = (name: string) => {
    let counts = totals.get(name);
    if (!counts) {
      counts = { turns: 0, requestPathTurns: 0, commands: 0, requestPathCommands: 0 };
      totals.set(name, counts);
    }
    return counts;
  };

  const server = createServer((client) => {
    const upstream = createConnection(options.target);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client).add(upstream);
    let name = 'unnamed';
    let serverSpokeLast = true;
    let turn: { labels: Set<string>; requestPath: boolean } | undefined;

    const finishTurn = () => {
      if (!turn) return;
      const signature = `${name} ${[...turn.labels].sort().join('+')}`;
      if (signatures.has(signature) || signatures.size < MAX_SIGNATURES) {
        signatures.set(signature, (signatures.get(signature) ?? 0) + 1);
      }
      turn = undefined;
    };
    const reader = new RespCommandReader((args) => {
      const connectionName = connectionNameOf(args);
      if (connectionName !== undefined) name = connectionName;
      const { label, background } = options.label(args);
      const counts = countsFor(name);
      counts.commands += 1;
      if (!turn) return;
      turn.labels.add(label);
      if (background) return;
      counts.requestPathCommands += 1;
      if (!turn.requestPath) {
        turn.requestPath = true;
        counts.requestPathTurns += 1;
      }
    });

    client.on('data', (chunk: Buffer) => {
      if (serverSpokeLast) {
        turn = { labels: new Set(), requestPath: false };
        serverSpokeLast = false;
        // Counted under the name known so far: only the SETNAME turn itself lands under `unnamed`.
        countsFor(name).turns += 1;
      }
      reader.push(chunk);
      relay(chunk, client, upstream);
    });
    upstream.on('data', (chunk: Buffer) => {
      // The first reply closes the turn; pushes on a subscribed connection find no open turn.
      finishTurn();
      serverSpokeLast = true;
      relay(chunk, upstream, client);
    });
    const teardown = () => {
      finishTurn();
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', teardown).on('error', teardown);
    upstream.on('close', teardown).on('error', teardown);
  });

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('trip counter has no port');

  return {
    url: `redis://127.0.0.1:${address.port}`,
    snapshot: () => ({
      at: performance.now(),
      byConnection: Object.fromEntries([...totals].map(([key, value]) => [key, { ...value }])),
      signatures: Object.fromEntries(signatures),
    }),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** Writes with back-pressure: a slow reader pauses the other side instead of growing a buffer. */
function relay(chunk: Buffer, from: Socket, to: Socket): void {
  if (!to.write(chunk)) {
    from.pause();
    to.once('drain', () => from.resume());
  }
}

/** after − before, per connection name and per signature. */
export function diffTrips(before: TripSnapshot, after: TripSnapshot): TripSnapshot {
  const byConnection: Record<string, TurnCounts> = {};
  for (const [name, counts] of Object.entries(after.byConnection)) {
    const earlier = before.byConnection[name];
    byConnection[name] = {
      turns: counts.turns - (earlier?.turns ?? 0),
      requestPathTurns: counts.requestPathTurns - (earlier?.requestPathTurns ?? 0),
      commands: counts.commands - (earlier?.commands ?? 0),
      requestPathCommands: counts.requestPathCommands - (earlier?.requestPathCommands ?? 0),
    };
  }
  const signatures: Record<string, number> = {};
  for (const [signature, count] of Object.entries(after.signatures)) {
    const delta = count - (before.signatures[signature] ?? 0);
    if (delta > 0) signatures[signature] = delta;
  }
  return { at: after.at - before.at, byConnection, signatures };
}

/** Sums every connection's counts. */
export function totalTurns(snapshot: TripSnapshot): TurnCounts {
  const total: TurnCounts = { turns: 0, requestPathTurns: 0, commands: 0, requestPathCommands: 0 };
  for (const counts of Object.values(snapshot.byConnection)) {
    total.turns += counts.turns;
    total.requestPathTurns += counts.requestPathTurns;
    total.commands += counts.commands;
    total.requestPathCommands += counts.requestPathCommands;
  }
  return total;
}
