// Writes a Plan to the socket, applying the scenario's timing, failure and compression knobs.
import type { ServerResponse } from 'node:http';
import { createGzip, gzipSync, constants as zlibConstants } from 'node:zlib';
import type { Exchange } from './exchange.js';
import type { Headers, JsonPlan, Plan, StreamPlan } from './plan.js';
import { chunkCount } from './scenario.js';
import { GARBAGE_JSON, GARBAGE_STREAM, SSE_HEADERS } from './sse.js';

function noop(): void {}

function withScenarioHeaders(ex: Exchange, headers: Headers): Headers {
  const extra = ex.scenario.headers;
  if (extra === undefined) return headers;
  const merged: Headers = { ...headers };
  for (const [key, value] of Object.entries(extra)) merged[key.toLowerCase()] = value;
  return merged;
}

/** Sends the plan, after `delayFirstByteMs` if the scenario asks for it. */
export function execute(ex: Exchange, plan: Plan): void {
  const delay = ex.scenario.delayFirstByteMs ?? 0;
  if (delay > 0) {
    void ex.sleep(delay).then((open) => {
      if (open) send(ex, plan);
    });
    return;
  }
  send(ex, plan);
}

function send(ex: Exchange, plan: Plan): void {
  if (ex.closed) return;
  if (ex.scenario.dropConnection) {
    ex.res.socket?.destroy();
    return;
  }
  const replay = ex.scenario.replay;
  if (replay !== undefined && plan.status < 400) void sendReplay(ex, plan, replay);
  else if (plan.kind === 'json') sendJson(ex, plan);
  else if (ex.scenario.garbage) sendGarbageStream(ex);
  else sendStream(ex, plan);
}

function sendJson(ex: Exchange, plan: JsonPlan): void {
  const s = ex.scenario;
  const res = ex.res;
  let headers = withScenarioHeaders(ex, plan.headers);
  let payload: Buffer | string = s.garbage ? GARBAGE_JSON : plan.body;
  if (s.gzip) {
    payload = gzipSync(payload);
    headers = { ...headers, 'content-encoding': 'gzip' };
  }
  const length = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  headers = { ...headers, 'content-length': String(length) };
  res.writeHead(plan.status, headers);
  if (s.stallAfterEvents !== undefined) {
    res.flushHeaders(); // headers only, then silence
    return;
  }
  if (s.cutAfterEvents !== undefined) {
    const whole = typeof payload === 'string' ? Buffer.from(payload) : payload;
    const half = whole.subarray(0, Math.floor(whole.length / 2));
    res.write(half);
    if (!s.gzip) ex.sent.push(half);
    ex.cut();
    return;
  }
  res.end(payload);
  ex.sent.push(s.garbage ? GARBAGE_JSON : plan.body);
  if (plan.usage !== undefined) ex.record.reportedUsage = plan.usage;
}

function sendGarbageStream(ex: Exchange): void {
  const headers = withScenarioHeaders(ex, { ...SSE_HEADERS });
  ex.sent.push(GARBAGE_STREAM);
  if (ex.scenario.gzip) {
    ex.res.writeHead(200, { ...headers, 'content-encoding': 'gzip' });
    ex.res.end(gzipSync(GARBAGE_STREAM));
    return;
  }
  ex.res.writeHead(200, headers);
  ex.res.write(GARBAGE_STREAM);
  ex.res.end();
}

interface Sink {
  write(data: string | Buffer): void;
  /** Resolves once everything written so far has been handed to the socket. */
  flush(): Promise<void>;
  end(): void;
}

function plainSink(res: ServerResponse): Sink {
  return {
    write: (data) => {
      res.write(data);
    },
    flush: () => Promise.resolve(), // socket.end() in cut() drains pending writes itself
    end: () => {
      res.end();
    },
  };
}

function gzipSink(res: ServerResponse): Sink {
  const gz = createGzip();
  gz.on('error', noop);
  gz.pipe(res);
  res.once('close', () => gz.destroy());
  return {
    write: (data) => {
      gz.write(data);
      gz.flush(zlibConstants.Z_SYNC_FLUSH);
    },
    flush: () =>
      new Promise((resolve) => {
        gz.flush(zlibConstants.Z_SYNC_FLUSH, () => setImmediate(resolve));
      }),
    end: () => {
      gz.end();
    },
  };
}

/** Notes every write in `ex.sent`, so tests can compare what a relay passed on with what was sent. */
function recording(ex: Exchange, sink: Sink): Sink {
  return {
    write: (data) => {
      sink.write(data);
      ex.sent.push(data);
    },
    flush: () => sink.flush(),
    end: () => sink.end(),
  };
}

function sendStream(ex: Exchange, plan: StreamPlan): void {
  const s = ex.scenario;
  const headers = withScenarioHeaders(ex, plan.headers);
  const simple =
    !s.gzip &&
    s.stallAfterEvents === undefined &&
    s.cutAfterEvents === undefined &&
    s.errorEventAfterEvents === undefined &&
    !(s.eventDelayMs !== undefined && s.eventDelayMs > 0) &&
    !(s.delayFirstEventMs !== undefined && s.delayFirstEventMs > 0);
  if (simple) {
    // Fast path for the benchmark: one chunked write carrying every frame.
    let out = '';
    let usage: unknown;
    for (const frame of plan.frames) {
      out += frame.data;
      if (frame.usage !== undefined) usage = frame.usage;
    }
    out += plan.trailer;
    ex.res.writeHead(plan.status, headers);
    ex.res.write(out);
    ex.res.end();
    ex.sent.push(out);
    if (usage !== undefined) ex.record.reportedUsage = usage;
    return;
  }
  void streamSlowly(ex, plan, s.gzip ? { ...headers, 'content-encoding': 'gzip' } : headers);
}

async function streamSlowly(ex: Exchange, plan: StreamPlan, headers: Headers): Promise<void> {
  const s = ex.scenario;
  const gap = s.eventDelayMs ?? 0;
  ex.res.writeHead(plan.status, headers);
  ex.res.flushHeaders();
  const sink = recording(ex, s.gzip ? gzipSink(ex.res) : plainSink(ex.res));
  const firstEventDelay = s.delayFirstEventMs ?? 0;
  if (firstEventDelay > 0 && !(await ex.sleep(firstEventDelay))) return;
  for (let i = 0; ; i++) {
    if (ex.closed) return;
    if (i === s.stallAfterEvents) {
      await sink.flush();
      return; // hang until the client aborts or close() destroys the socket
    }
    if (i === s.cutAfterEvents) {
      await sink.flush();
      if (!ex.closed) ex.cut();
      return;
    }
    const isError = i === s.errorEventAfterEvents;
    const frame = plan.frames[i];
    if (!isError && frame === undefined) break;
    if (i > 0 && gap > 0 && !(await ex.sleep(gap))) return;
    if (isError || frame === undefined) {
      sink.write(plan.errorFrame(i) + plan.trailer);
      sink.end();
      return;
    }
    sink.write(frame.data);
    if (frame.usage !== undefined) ex.record.reportedUsage = frame.usage;
  }
  if (plan.trailer !== '') sink.write(plan.trailer);
  sink.end();
}

/** `body` cut into `chunks` byte ranges (empty ones left out), not minding event or character boundaries. */
function bytePieces(body: Buffer, chunks: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let i = 0; i < chunks; i++) {
    const piece = body.subarray(
      Math.floor((i * body.length) / chunks),
      Math.floor(((i + 1) * body.length) / chunks),
    );
    if (piece.length > 0) pieces.push(piece);
  }
  return pieces;
}

/** The `replay` scenario: the recorded bytes in place of the planned success, with the route's headers. */
async function sendReplay(ex: Exchange, plan: Plan, body: Buffer): Promise<void> {
  const s = ex.scenario;
  const base: Headers = {};
  for (const [key, value] of Object.entries(plan.headers)) {
    if (key !== 'content-type' && key !== 'content-length') base[key] = value;
  }
  let headers = withScenarioHeaders(ex, { 'content-type': 'text/event-stream', ...base });
  if (s.gzip) headers = { ...headers, 'content-encoding': 'gzip' };
  ex.res.writeHead(plan.status, headers);
  ex.res.flushHeaders();
  const sink = recording(ex, s.gzip ? gzipSink(ex.res) : plainSink(ex.res));
  const firstEventDelay = s.delayFirstEventMs ?? 0;
  if (firstEventDelay > 0 && !(await ex.sleep(firstEventDelay))) return;
  const gap = s.eventDelayMs ?? 0;
  const pieces = bytePieces(body, chunkCount(s));
  for (let i = 0; ; i++) {
    if (ex.closed) return;
    if (i === s.stallAfterEvents) {
      await sink.flush();
      return; // hang until the client aborts or close() destroys the socket
    }
    if (i === s.cutAfterEvents) {
      await sink.flush();
      if (!ex.closed) ex.cut();
      return;
    }
    const piece = pieces[i];
    if (piece === undefined) break;
    if (i > 0 && gap > 0 && !(await ex.sleep(gap))) return;
    sink.write(piece);
  }
  sink.end();
}
