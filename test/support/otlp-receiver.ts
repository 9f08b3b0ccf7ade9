// A real OTLP/HTTP receiver for tests: on 127.0.0.1, port 0, it takes JSON exports on /v1/traces and
// /v1/metrics, decodes them into plain spans and metric points, and lets a test await what it expects.
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export type AttributeValue = string | number | boolean | null | AttributeValue[];
export type DecodedAttributes = Record<string, AttributeValue>;

export interface ReceivedSpan {
  name: string;
  /** OTLP's numbering: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: DecodedAttributes;
  /** OTLP's numbering: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  resource: DecodedAttributes;
  scope: string;
}

/** One data point of one metric in one export (sums and gauges carry `value`, histograms the rest). */
export interface ReceivedPoint {
  metric: string;
  unit: string;
  type: 'histogram' | 'sum' | 'gauge';
  attributes: DecodedAttributes;
  timeUnixNano: bigint;
  count: number;
  sum: number;
  bucketCounts: number[];
  explicitBounds: number[];
  value: number;
  resource: DecodedAttributes;
}

export type SignalPath = '/v1/traces' | '/v1/metrics';

export interface OtlpReceiver {
  /** The OTLP base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
  readonly url: string;
  readonly spans: ReceivedSpan[];
  readonly points: ReceivedPoint[];
  /** Headers of every accepted export, lower-cased as node:http gives them. */
  readonly headers: Array<Record<string, string | string[] | undefined>>;
  /** Exports that could not be decoded; a test should expect none. */
  readonly rejected: string[];
  /** Answers further exports with this status (a failing collector) instead of 200. */
  failWith(status: number | undefined): void;
  /** Resolves once `condition` holds, checked now and after every export received. */
  until(condition: () => boolean): Promise<void>;
  /** Resolves when the next export to `path` has been received (decoded or answered with a failure). */
  next(path: SignalPath): Promise<void>;
  /** The latest point of each series of `metric` (cumulative points: the latest holds the totals). */
  latest(metric: string): ReceivedPoint[];
  /** The latest point of the series of `metric` whose attributes are exactly `attributes`. */
  series(metric: string, attributes: DecodedAttributes): ReceivedPoint | undefined;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const points: ReceivedPoint[] = [];
  const headers: OtlpReceiver['headers'] = [];
  const rejected: string[] = [];
  const listeners = new Set<(path: string) => void>();
  let failure: number | undefined;

  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const path = request.url ?? '';
      let status = failure ?? 200;
      if (failure === undefined) {
        try {
          if (!String(request.headers['content-type']).startsWith('application/json')) {
            throw new Error(`not JSON: ${request.headers['content-type']}`);
          }
          const document: unknown = JSON.parse(body.toString('utf8'));
          if (path === '/v1/traces') spans.push(...decodeSpans(document));
          else if (path === '/v1/metrics') points.push(...decodePoints(document));
          else throw new Error(`unknown path ${path}`);
          headers.push(request.headers);
        } catch (error) {
          rejected.push(`${path}: ${error instanceof Error ? error.message : String(error)}`);
          status = 400;
        }
      }
      response.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      for (const listener of [...listeners]) listener(path);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const waitFor = (matches: (path: string) => boolean) =>
    new Promise<void>((resolve) => {
      const listener = (path: string) => {
        if (!matches(path)) return;
        listeners.delete(listener);
        resolve();
      };
      listeners.add(listener);
    });

  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    points,
    headers,
    rejected,
    failWith(status) {
      failure = status;
    },
    async until(condition) {
      if (!condition()) await waitFor(() => condition());
    },
    next: (path) => waitFor((received) => received === path),
    latest: (metric) => latestOf(points, metric),
    series: (metric, attributes) =>
      latestOf(points, metric).find((point) => seriesKey(point.attributes) === seriesKey(attributes)),
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

function seriesKey(attributes: DecodedAttributes): string {
  return JSON.stringify(Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b)));
}

function latestOf(points: ReceivedPoint[], metric: string): ReceivedPoint[] {
  const series = new Map<string, ReceivedPoint>();
  for (const point of points) {
    if (point.metric !== metric) continue;
    const key = seriesKey(point.attributes);
    const previous = series.get(key);
    if (!previous || previous.timeUnixNano <= point.timeUnixNano) series.set(key, point);
  }
  return [...series.values()];
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

// OTLP/JSON, read loosely: a record is an object of unknown fields; 64-bit integers may come as strings.
type Json = Record<string, unknown>;

function records(value: unknown): Json[] {
  return Array.isArray(value)
    ? value.filter((item): item is Json => typeof item === 'object' && item !== null)
    : [];
}

function record(value: unknown): Json {
  return typeof value === 'object' && value !== null ? (value as Json) : {};
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function number(value: unknown): number {
  return typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : 0;
}

function nanos(value: unknown): bigint {
  return typeof value === 'string' || typeof value === 'number' ? BigInt(value) : 0n;
}

function anyValue(value: Json): AttributeValue {
  if ('stringValue' in value) return text(value.stringValue);
  if ('boolValue' in value) return value.boolValue === true;
  if ('intValue' in value) return number(value.intValue);
  if ('doubleValue' in value) return number(value.doubleValue);
  if ('arrayValue' in value) return records(record(value.arrayValue).values).map(anyValue);
  return null;
}

function attributes(value: unknown): DecodedAttributes {
  return Object.fromEntries(records(value).map((pair) => [text(pair.key), anyValue(record(pair.value))]));
}

function decodeSpans(document: unknown): ReceivedSpan[] {
  return records(record(document).resourceSpans).flatMap((resourceSpans) => {
    const resource = attributes(record(resourceSpans.resource).attributes);
    return records(resourceSpans.scopeSpans).flatMap((scopeSpans) =>
      records(scopeSpans.spans).map((span) => {
        const status = record(span.status);
        return {
          name: text(span.name),
          kind: number(span.kind),
          traceId: text(span.traceId),
          spanId: text(span.spanId),
          parentSpanId: text(span.parentSpanId),
          startTimeUnixNano: nanos(span.startTimeUnixNano),
          endTimeUnixNano: nanos(span.endTimeUnixNano),
          attributes: attributes(span.attributes),
          status: { code: number(status.code), message: text(status.message) },
          resource,
          scope: text(record(scopeSpans.scope).name),
        };
      }),
    );
  });
}

function decodePoints(document: unknown): ReceivedPoint[] {
  return records(record(document).resourceMetrics).flatMap((resourceMetrics) => {
    const resource = attributes(record(resourceMetrics.resource).attributes);
    return records(resourceMetrics.scopeMetrics).flatMap((scopeMetrics) =>
      records(scopeMetrics.metrics).flatMap((metric) => {
        const type = 'histogram' in metric ? 'histogram' : 'sum' in metric ? 'sum' : 'gauge';
        return records(record(metric[type]).dataPoints).map((point) => ({
          metric: text(metric.name),
          unit: text(metric.unit),
          type,
          attributes: attributes(point.attributes),
          timeUnixNano: nanos(point.timeUnixNano),
          count: number(point.count),
          sum: number(point.sum),
          bucketCounts: Array.isArray(point.bucketCounts) ? point.bucketCounts.map(number) : [],
          explicitBounds: Array.isArray(point.explicitBounds) ? point.explicitBounds.map(number) : [],
          value: number(point.asDouble ?? point.asInt),
          resource,
        }));
      }),
    );
  });
}
