// The node:http server: socket tracking, body reading, recording and dispatch to the router.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { codeAssistAccount } from './code-assist.js';
import { Exchange } from './exchange.js';
import { Recorder } from './recorder.js';
import { execute } from './respond.js';
import { type Route, route } from './router.js';
import { ScenarioQueue } from './scenario.js';
import type { FakeUpstream, RecordedRequest, Scenario, StartFakeUpstreamOptions } from './types.js';

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const EMPTY_BODY = Buffer.alloc(0);

function noop(): void {}

interface State {
  options: StartFakeUpstreamOptions;
  recorder: Recorder;
  scenarios: ScenarioQueue;
  closing: boolean;
}

function splitUrl(url: string): { path: string; query: URLSearchParams } {
  const q = url.indexOf('?');
  if (q === -1) return { path: url, query: new URLSearchParams() };
  return { path: url.slice(0, q), query: new URLSearchParams(url.slice(q + 1)) };
}

function handle(state: State, req: IncomingMessage, res: ServerResponse): void {
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const { path, query } = splitUrl(url);
  const record: RecordedRequest = {
    method,
    path,
    query,
    url,
    headers: req.headers,
    body: EMPTY_BODY,
    json: undefined,
    receivedAt: Date.now(),
    aborted: false,
    completed: false,
    get sentBody() {
      return Buffer.concat(ex.sent.map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : piece)));
    },
  };
  const ex = new Exchange(req, res, record, state.options);
  const target = route(method, path, req.headers, query);
  let recorded = false;
  state.recorder.opened();
  req.on('error', noop);
  res.on('error', noop);
  res.on('finish', () => {
    record.completed = true;
  });
  res.on('close', () => {
    ex.markClosed();
    if (!record.completed && !ex.endedByServer && !state.closing) record.aborted = true;
    if (!recorded) {
      recorded = true; // the client gave up while still uploading
      state.recorder.push(record);
    }
    state.recorder.finished();
  });

  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk); // past the limit: keep draining, answer 413 at the end
  });
  req.on('end', () => {
    if (ex.closed) return;
    if (size <= MAX_BODY_BYTES && size > 0) {
      record.body = chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks, size);
      try {
        record.json = JSON.parse(record.body.toString('utf8'));
      } catch {
        ex.invalidJson = true;
      }
    }
    recorded = true;
    state.recorder.push(record);
    ex.scenario = target.scenario?.(ex) ?? state.scenarios.next();
    dispatch(ex, target, size > MAX_BODY_BYTES);
  });
}

function dispatch(ex: Exchange, target: Route, tooLarge: boolean): void {
  const plan = tooLarge ? target.error(ex, 413) : target.handle(ex);
  execute(ex, plan);
}

export async function startFakeUpstream(options: StartFakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const host = options.host ?? '127.0.0.1';
  // A copy: the Code Assist account is keyed by this object, so two fakes started with one options object differ.
  const state: State = {
    options: { ...options },
    recorder: new Recorder(),
    scenarios: new ScenarioQueue(),
    closing: false,
  };
  const sockets = new Set<Socket>();
  const server = createServer({ noDelay: true, keepAlive: true }, (req, res) => handle(state, req, res));
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => {
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const recorder = state.recorder;
  const codeAssist = codeAssistAccount(state.options);
  let closed: Promise<void> | undefined;

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    requests: recorder.requests,
    get inFlight() {
      return recorder.inFlight;
    },
    get maxInFlight() {
      return recorder.maxInFlight;
    },
    enqueue: (...scenarios: Scenario[]) => state.scenarios.enqueue(scenarios),
    setDefault: (scenario: Scenario) => state.scenarios.setDefault(scenario),
    reset: () => {
      recorder.reset();
      state.scenarios.reset();
      codeAssist.reset();
    },
    waitForRequests: (count: number) => recorder.waitForRequests(count),
    waitForIdle: () => recorder.waitForIdle(),
    codeAssist,
    close: () => {
      if (closed === undefined) {
        state.closing = true;
        closed = new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const socket of sockets) socket.destroy();
          server.closeAllConnections();
        }).then(() => recorder.close());
      }
      return closed;
    },
  };
}
