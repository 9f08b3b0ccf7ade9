// Per-connection limits of the HTTP server: a bound on connections that have not yet carried an authenticated
// request, and the body idle timeout the body reader applies on each connection.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../lib/logger.js';

export interface ConnectionLimits {
  /** Connections without an authenticated request this server holds at most; more are refused. */
  maxUnauthenticated: number;
  /** Longest silence while a request body is read (see read-body.ts). */
  bodyIdleTimeoutMs: number;
}

export interface ConnectionTracker {
  /** Open connections that have not carried an authenticated request yet. */
  readonly unauthenticated: number;
  /** Connections refused because the bound was reached, since start. */
  readonly refused: number;
}

interface ServerState extends ConnectionLimits {
  unauthenticated: number;
  refused: number;
  /** `refused` when the last warning was logged, and when. */
  refusedAtLastLog: number;
  lastLoggedAt: number;
  logger: Logger;
}

/** A flood is reported at most this often, with the count refused since the previous report. */
const LOG_INTERVAL_MS = 10_000;

/** Every connection a limited server accepted → that server's state. */
const stateOf = new WeakMap<Socket, ServerState>();
/** Connections still counted against their server's bound. */
const unauthenticatedSockets = new WeakSet<Socket>();

const REFUSAL_BODY = JSON.stringify({
  error: {
    code: 'unavailable',
    message: 'Too many connections without an authenticated request; retry shortly',
  },
});
const REFUSAL = Buffer.from(
  'HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\nretry-after: 1\r\n' +
    `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(REFUSAL_BODY)}\r\n\r\n${REFUSAL_BODY}`,
);

/**
 * Policy past the bound: the new connection is answered 503 (`retry-after`) and closed at once, and the ones
 * already held are kept. Evicting the oldest instead would let an attacker who opens connections quickly cut
 * legitimate clients between connecting and their first request's key check; refusing new ones never breaks
 * a request already accepted, never touches authenticated keep-alive connections (the SDKs' pools keep
 * working through an attack), and the headers, body and keep-alive timeouts free held slots within seconds,
 * so a refused client gets in on retry. A connection stops counting when it authenticates or closes.
 */
export function limitConnections(
  server: Server,
  limits: ConnectionLimits,
  logger: Logger,
): ConnectionTracker {
  const state: ServerState = {
    ...limits,
    unauthenticated: 0,
    refused: 0,
    refusedAtLastLog: 0,
    lastLoggedAt: Number.NEGATIVE_INFINITY,
    logger,
  };
  server.on('connection', (socket: Socket) => {
    // A socket handed back as a new connection (an h2c offer served as HTTP/1.1) is already accounted for.
    if (stateOf.has(socket)) return;
    if (state.unauthenticated >= state.maxUnauthenticated) {
      refuse(socket, state);
      return;
    }
    stateOf.set(socket, state);
    unauthenticatedSockets.add(socket);
    state.unauthenticated += 1;
    socket.once('close', release);
  });
  return {
    get unauthenticated() {
      return state.unauthenticated;
    },
    get refused() {
      return state.refused;
    },
  };
}

/** The connection carried an authenticated request: it no longer counts against the bound. */
export function markAuthenticated(socket: Socket): void {
  // The common case, a keep-alive connection that authenticated before, costs one WeakSet lookup.
  if (!unauthenticatedSockets.delete(socket)) return;
  const state = stateOf.get(socket);
  if (state) state.unauthenticated -= 1;
}

/** The body idle timeout of the server that accepted this connection; undefined outside a limited server. */
export function bodyIdleTimeoutOf(socket: Socket): number | undefined {
  return stateOf.get(socket)?.bodyIdleTimeoutMs;
}

function release(this: Socket): void {
  markAuthenticated(this);
}

function refuse(socket: Socket, state: ServerState): void {
  state.refused += 1;
  const now = Date.now();
  if (now - state.lastLoggedAt >= LOG_INTERVAL_MS) {
    state.logger.warn(
      { maxUnauthenticated: state.maxUnauthenticated, refused: state.refused - state.refusedAtLastLog },
      'connections refused: too many connections without an authenticated request',
    );
    state.lastLoggedAt = now;
    state.refusedAtLastLog = state.refused;
  }
  socket.on('error', () => socket.destroy());
  // Destroyed once written: whatever the client sends meanwhile is never read.
  socket.once('finish', () => socket.destroy());
  socket.end(REFUSAL);
}
