// Walks an OTLP/HTTP JSON export and feeds each record's facts to a sink. The encoding is the protobuf JSON
// mapping of opentelemetry-proto's collector/{metrics,logs,trace}/v1/*_service.proto with OTLP's rules
// (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): lowerCamelCase keys, AnyValue objects
// such as {"stringValue": "…"}, unknown keys ignored, null meaning "not set". Only the fields we read are
// type-checked; a wrong type there is an error naming the path.
import { assertNever } from '../../../lib/assert-never.js';
import {
  isWatchedAttribute,
  OtlpReadError,
  type OtlpSignal,
  type OtlpSink,
  type WatchedAttributes,
} from './otlp-sink.js';

type JsonObject = Record<string, unknown>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function readJsonExport(signal: OtlpSignal, body: Uint8Array, sink: OtlpSink): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(body));
  } catch {
    throw new OtlpReadError('body is not valid UTF-8 JSON');
  }
  if (!isObject(parsed)) throw new OtlpReadError('body must be a JSON object');
  const [key, readResource] = resourceReaderOf(signal);
  eachObject(parsed, key, '', (resource, path) => readResource(resource, path, sink));
}

type ResourceReader = (resource: JsonObject, path: string, sink: OtlpSink) => void;

/** Each signal's top-level array (the only field of its Export*ServiceRequest) and the reader of its items. */
function resourceReaderOf(signal: OtlpSignal): [key: string, read: ResourceReader] {
  switch (signal) {
    case 'metrics':
      return ['resourceMetrics', readResourceMetrics];
    case 'logs':
      return ['resourceLogs', readResourceLogs];
    case 'traces':
      return ['resourceSpans', readResourceSpans];
    default:
      return assertNever(signal);
  }
}

function readResourceMetrics(resourceMetrics: JsonObject, path: string, sink: OtlpSink): void {
  const resource = resourceAttributes(resourceMetrics, path);
  eachObject(resourceMetrics, 'scopeMetrics', path, (scope, scopePath) =>
    eachObject(scope, 'metrics', scopePath, (metric, metricPath) =>
      readMetric(metric, metricPath, resource, sink),
    ),
  );
}

function readResourceLogs(resourceLogs: JsonObject, path: string, sink: OtlpSink): void {
  const resource = resourceAttributes(resourceLogs, path);
  eachObject(resourceLogs, 'scopeLogs', path, (scope, scopePath) =>
    eachObject(scope, 'logRecords', scopePath, (record, recordPath) =>
      readLogRecord(record, recordPath, resource, sink),
    ),
  );
}

function readResourceSpans(resourceSpans: JsonObject, path: string, sink: OtlpSink): void {
  const resource = resourceAttributes(resourceSpans, path);
  eachObject(resourceSpans, 'scopeSpans', path, (scope, scopePath) =>
    eachObject(scope, 'spans', scopePath, (span, spanPath) => readSpan(span, spanPath, resource, sink)),
  );
}

function resourceAttributes(parent: JsonObject, path: string): WatchedAttributes {
  const attributes: WatchedAttributes = {};
  const resource = objectField(parent, 'resource', path);
  if (resource !== undefined) readAttributes(resource, 'attributes', join(path, 'resource'), attributes);
  return attributes;
}

/** The data oneof of a Metric; every kind keeps its points in `dataPoints` with their `attributes`. */
const METRIC_DATA_KINDS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

function readMetric(metric: JsonObject, path: string, resource: WatchedAttributes, sink: OtlpSink): void {
  const name = stringField(metric, 'name', path) ?? '';
  for (const kind of METRIC_DATA_KINDS) {
    const data = objectField(metric, kind, path);
    if (data === undefined) continue;
    eachObject(data, 'dataPoints', join(path, kind), (point, pointPath) => {
      const attributes = { ...resource };
      readAttributes(point, 'attributes', pointPath, attributes);
      sink.dataPoint(name, attributes);
    });
  }
}

function readLogRecord(record: JsonObject, path: string, resource: WatchedAttributes, sink: OtlpSink): void {
  const attributes = { ...resource };
  readAttributes(record, 'attributes', path, attributes);
  const eventName = stringField(record, 'eventName', path) || undefined;
  const body = objectField(record, 'body', path);
  sink.logRecord({ eventName, body: body && anyValueString(body, join(path, 'body')), attributes });
}

function readSpan(span: JsonObject, path: string, resource: WatchedAttributes, sink: OtlpSink): void {
  const attributes = { ...resource };
  readAttributes(span, 'attributes', path, attributes);
  sink.span(stringField(span, 'name', path) ?? '', attributes);
}

/** The KeyValue list in `key`; watched keys with a string value go into `into` (a later value wins). */
function readAttributes(parent: JsonObject, key: string, path: string, into: WatchedAttributes): void {
  eachObject(parent, key, path, (keyValue, keyValuePath) => {
    const name = stringField(keyValue, 'key', keyValuePath) ?? '';
    const value = objectField(keyValue, 'value', keyValuePath);
    if (value === undefined || !isWatchedAttribute(name)) return;
    const text = anyValueString(value, join(keyValuePath, 'value'));
    if (text !== undefined) into[name] = text;
  });
}

/** AnyValue's string_value; values of other kinds are not ours to read. */
function anyValueString(anyValue: JsonObject, path: string): string | undefined {
  return stringField(anyValue, 'stringValue', path);
}

function eachObject(
  parent: JsonObject,
  key: string,
  path: string,
  visit: (item: JsonObject, itemPath: string) => void,
): void {
  const items = parent[key];
  if (items === undefined || items === null) return;
  const itemsPath = join(path, key);
  if (!Array.isArray(items)) throw new OtlpReadError(`${itemsPath} must be an array`);
  items.forEach((item, index) => {
    const itemPath = `${itemsPath}[${index}]`;
    if (!isObject(item)) throw new OtlpReadError(`${itemPath} must be an object`);
    visit(item, itemPath);
  });
}

function objectField(parent: JsonObject, key: string, path: string): JsonObject | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new OtlpReadError(`${join(path, key)} must be an object`);
  return value;
}

function stringField(parent: JsonObject, key: string, path: string): string | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new OtlpReadError(`${join(path, key)} must be a string`);
  return value;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
