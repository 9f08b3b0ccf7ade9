// Child process of the streams bench: opens N streaming Messages requests over a ramp, reads each to its end,
// and reports counts to the bench every second (IPC), then once more with latencies when all have ended.
import { Agent, type ClientRequest, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { SseParser } from '../src/relay/stream/sse-parser.js';
import { type LoadCounts, type LoadMessage, type LoadSpec, loadSpecSchema } from './stream-load.js';

const PROGRESS_EVERY_MS = 1000;
const RAMP_TICK_MS = 10;
const SAMPLES_PER_KIND = 3;

function send(message: LoadMessage, sent?: () => void): void {
  process.send?.(message, undefined, {}, () => sent?.());
}

/** p50, p99 and max of a list of milliseconds. */
function latency(values: number[]) {
  const sorted = Float64Array.from(values).sort();
  const at = (fraction: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? Number.NaN };
}

function run(spec: LoadSpec): void {
  // One socket per stream: a stream holds its connection for its whole life, so no limit may queue requests.
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const body = JSON.stringify({
    model: 'claude-haiku-4-5',
    max_tokens: 1024,
    stream: true,
    messages: [{ role: 'user', content: 'Tell me a slow story' }],
  });
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'anthropic-version': '2023-06-01',
    ...spec.headers,
  };
  const counts: LoadCounts = {
    elapsedMs: 0,
    started: 0,
    open: 0,
    peakOpen: 0,
    opened: 0,
    completed: 0,
    statuses: {},
    connectionErrors: 0,
    incomplete: 0,
    timedOut: 0,
    errorSamples: [],
  };
  const sampled = new Map<string, number>();
  const note = (kind: string, detail: string) => {
    const seen = sampled.get(kind) ?? 0;
    sampled.set(kind, seen + 1);
    if (seen < SAMPLES_PER_KIND) counts.errorSamples.push(`${kind}: ${detail}`);
  };
  const openMs: number[] = [];
  const streamMs: number[] = [];
  const live = new Set<ClientRequest>();
  let ended = 0;
  const startedAt = performance.now();
  const elapsed = () => performance.now() - startedAt;

  const finishOne = () => {
    ended += 1;
    if (ended === spec.streams) finish();
  };

  const startOne = (index: number) => {
    const begun = performance.now();
    let settled = false;
    let streaming = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      live.delete(req);
      if (streaming) counts.open -= 1;
      outcome();
      finishOne();
    };
    const req = request(`${spec.url}/v1/messages`, {
      method: 'POST',
      agent,
      headers: { ...headers, 'x-request-id': `${spec.runId}-${index}` },
    });
    live.add(req);
    req.on('response', (res) => {
      // A response cut mid-body closes without 'end' (and may or may not emit 'error' first).
      res.on('close', () => {
        if (res.complete) return;
        settle(() => {
          counts.connectionErrors += 1;
          note('connection', 'response closed before its end');
        });
      });
      if (res.statusCode !== 200) {
        const status = String(res.statusCode ?? 0);
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          settle(() => {
            counts.statuses[status] = (counts.statuses[status] ?? 0) + 1;
            note(`HTTP ${status}`, Buffer.concat(chunks).toString('utf8').slice(0, 300));
          }),
        );
        return;
      }
      streaming = true;
      counts.opened += 1;
      counts.open += 1;
      counts.peakOpen = Math.max(counts.peakOpen, counts.open);
      openMs.push(performance.now() - begun);
      if (counts.opened === spec.streams) counts.allOpenAtMs = elapsed();
      let deltas = 0;
      let last = '';
      let errorEvent: string | undefined;
      const parser = new SseParser((event, data) => {
        last = event;
        if (event === 'content_block_delta') deltas += 1;
        else if (event === 'error') errorEvent = data.slice(0, 300);
      });
      res.on('data', (chunk: Buffer) => parser.push(chunk));
      // A stream that goes quiet is stuck, however long the run may last: given up and counted as incomplete.
      const socket = res.socket;
      const onStall = () =>
        settle(() => {
          counts.incomplete += 1;
          note('stalled', `nothing for ${spec.stallMs} ms after ${deltas}/${spec.deltas} deltas`);
          req.destroy();
        });
      socket?.setTimeout(spec.stallMs, onStall);
      // The socket may carry the next request (keep-alive), which must not inherit this stream's timer.
      res.once('close', () => socket?.setTimeout(0, onStall));
      res.on('end', () => {
        parser.end();
        settle(() => {
          if (last === 'message_stop' && deltas === spec.deltas && errorEvent === undefined) {
            counts.completed += 1;
            streamMs.push(performance.now() - begun);
            return;
          }
          counts.incomplete += 1;
          note('incomplete', errorEvent ?? `last event ${last || 'none'}, ${deltas}/${spec.deltas} deltas`);
        });
      });
      res.on('error', (error) =>
        settle(() => {
          counts.connectionErrors += 1;
          note('connection', `mid-stream: ${error.message}`);
        }),
      );
    });
    req.on('error', (error) =>
      settle(() => {
        counts.connectionErrors += 1;
        note('connection', error.message);
      }),
    );
    req.end(body);
  };

  const progress = () => {
    counts.elapsedMs = elapsed();
    send({ type: 'progress', counts });
  };
  const progressTimer = setInterval(progress, PROGRESS_EVERY_MS);
  // Starts are spread evenly over the ramp, a few per tick, so connections arrive as a crowd does.
  const rampTimer = setInterval(() => {
    const due =
      spec.rampMs === 0
        ? spec.streams
        : Math.min(spec.streams, Math.ceil((elapsed() / spec.rampMs) * spec.streams));
    while (counts.started < due) {
      startOne(counts.started);
      counts.started += 1;
    }
    if (counts.started === spec.streams) clearInterval(rampTimer);
  }, RAMP_TICK_MS);
  const deadline = setTimeout(() => {
    counts.timedOut = live.size;
    if (live.size > 0) note('timeout', `${live.size} streams still open after ${spec.deadlineMs} ms`);
    finish();
  }, spec.deadlineMs);

  let finished = false;
  function finish(): void {
    if (finished) return;
    finished = true;
    clearInterval(progressTimer);
    clearInterval(rampTimer);
    clearTimeout(deadline);
    counts.elapsedMs = elapsed();
    const result = { openMs: latency(openMs), streamMs: latency(streamMs) };
    // Disconnecting only once the message is out: the bench learns the result before the channel closes.
    send({ type: 'done', counts: { ...counts }, ...result }, () => process.disconnect?.());
    for (const req of live) req.destroy();
    agent.destroy();
  }
}

process.once('message', (raw: unknown) => {
  const spec = loadSpecSchema.parse(raw);
  run(spec);
});
// The bench is gone (the IPC channel closed): nothing is left to report to.
process.once('disconnect', () => process.exit(0));
