// One autocannon run against the relay (or the fake upstream, for the baseline) in one of its modes.
import autocannon from 'autocannon';

/**
 * `non-stream` and `sse`: Anthropic Messages on the Claude pool, passed through. `translated` and
 * `translated-sse`: an OpenAI Chat client asking a Claude model, translated both ways (the fake upstream's
 * baseline for them is its own Chat endpoint).
 */
export type Mode = 'non-stream' | 'sse' | 'translated' | 'translated-sse';

export const MODES: readonly Mode[] = ['non-stream', 'sse', 'translated', 'translated-sse'];

const streams = (mode: Mode) => mode === 'sse' || mode === 'translated-sse';
const translated = (mode: Mode) => mode === 'translated' || mode === 'translated-sse';

export function requestBody(mode: Mode): string {
  if (translated(mode)) {
    return JSON.stringify({
      model: 'claude-haiku-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Say hi' }],
      ...(streams(mode) ? { stream: true, stream_options: { include_usage: true } } : {}),
    });
  }
  return JSON.stringify({
    model: 'claude-haiku-4-5',
    max_tokens: 64,
    messages: [{ role: 'user', content: 'Say hi' }],
    ...(streams(mode) ? { stream: true } : {}),
  });
}

export function requestPath(mode: Mode): string {
  return translated(mode) ? '/v1/chat/completions' : '/v1/messages';
}

export interface LoadSpec {
  /** Origin to load, e.g. the fake upstream's or the relay's URL. */
  baseUrl: string;
  mode: Mode;
  connections: number;
  durationSec: number;
  /** Extra headers (the relay key). */
  headers?: Record<string, string>;
}

export interface LoadResult {
  /** Completed responses of any status. */
  requests: number;
  durationSec: number;
  reqPerSec: number;
  /** Milliseconds, from every response's own timer (autocannon's histogram rounds to whole ms). */
  latencyMs: { p50: number; p90: number; p99: number; mean: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

/** One mode's requests on `connections` connections for `durationSec`, as every bench run sends them. */
export function autocannonOptions(spec: LoadSpec): autocannon.Options {
  return {
    url: `${spec.baseUrl}${requestPath(spec.mode)}`,
    method: 'POST',
    connections: spec.connections,
    duration: spec.durationSec,
    timeout: 10,
    body: requestBody(spec.mode),
    headers: {
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      ...spec.headers,
    },
  };
}

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(autocannonOptions(spec), (error: unknown, result) => {
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve(summarise(result, latencies));
    });
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
    });
  });
}

function summarise(result: autocannon.Result, latencies: number[]): LoadResult {
  const sorted = Float64Array.from(latencies).sort();
  const at = (fraction: number) =>
    sorted.length === 0
      ? Number.NaN
      : (sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN);
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {}))
    statusCodes[code] = stats.count ?? 0;
  return {
    requests: sorted.length,
    durationSec: result.duration,
    reqPerSec: result.duration > 0 ? sorted.length / result.duration : 0,
    latencyMs: {
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      mean: sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length),
      max: sorted.length === 0 ? Number.NaN : (sorted[sorted.length - 1] ?? Number.NaN),
    },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
  };
}
