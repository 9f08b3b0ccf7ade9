// Walks an OTLP/HTTP protobuf export (Export{Metrics,Logs,Trace}ServiceRequest) and feeds each record's facts
// to a sink. Field numbers are those of open-telemetry/opentelemetry-proto, files under opentelemetry/proto/:
// collector/{metrics,logs,trace}/v1/*_service.proto, metrics/v1/metrics.proto, logs/v1/logs.proto,
// trace/v1/trace.proto, resource/v1/resource.proto, common/v1/common.proto. Fields we do not read, known or
// not, are skipped, as protobuf's forward compatibility asks; a field we read with the wrong wire type is an
// error (it is never valid, and it is how garbage usually shows).
import { assertNever } from '../../../lib/assert-never.js';
import {
  isWatchedAttribute,
  OtlpReadError,
  type OtlpSignal,
  type OtlpSink,
  type WatchedAttributes,
} from './otlp-sink.js';
import { type FieldTag, ProtobufReader, WireType } from './protobuf-reader.js';

export function readProtobufExport(signal: OtlpSignal, body: Uint8Array, sink: OtlpSink): void {
  const [field, readResource] = resourceReaderOf(signal);
  // Each request message holds one repeated field, number 1.
  forEachMessage(new ProtobufReader(body), 1, field, (resource) => readResource(resource, sink));
}

type ResourceReader = (resource: ProtobufReader, sink: OtlpSink) => void;

/** Each signal's top-level field (for messages) and the reader of its items. */
function resourceReaderOf(signal: OtlpSignal): [field: string, read: ResourceReader] {
  switch (signal) {
    case 'metrics':
      return ['resource_metrics', readResourceMetrics];
    case 'logs':
      return ['resource_logs', readResourceLogs];
    case 'traces':
      return ['resource_spans', readResourceSpans];
    default:
      return assertNever(signal);
  }
}

// ResourceMetrics / ResourceLogs / ResourceSpans: 1 resource, 2 scope_{metrics,logs,spans}, 3 schema_url.
const RESOURCE_FIELD = 1;
const SCOPE_FIELD = 2;
// ScopeMetrics / ScopeLogs / ScopeSpans: 1 scope, 2 metrics / log_records / spans, 3 schema_url.
const SCOPE_ITEMS_FIELD = 2;

function readResourceMetrics(resourceMetrics: ProtobufReader, sink: OtlpSink): void {
  const resource = resourceAttributes(resourceMetrics);
  forEachMessage(resourceMetrics, SCOPE_FIELD, 'ResourceMetrics.scope_metrics', (scope) =>
    forEachMessage(scope, SCOPE_ITEMS_FIELD, 'ScopeMetrics.metrics', (metric) =>
      readMetric(metric, resource, sink),
    ),
  );
}

function readResourceLogs(resourceLogs: ProtobufReader, sink: OtlpSink): void {
  const resource = resourceAttributes(resourceLogs);
  forEachMessage(resourceLogs, SCOPE_FIELD, 'ResourceLogs.scope_logs', (scope) =>
    forEachMessage(scope, SCOPE_ITEMS_FIELD, 'ScopeLogs.log_records', (record) =>
      readLogRecord(record, resource, sink),
    ),
  );
}

function readResourceSpans(resourceSpans: ProtobufReader, sink: OtlpSink): void {
  const resource = resourceAttributes(resourceSpans);
  forEachMessage(resourceSpans, SCOPE_FIELD, 'ResourceSpans.scope_spans', (scope) =>
    forEachMessage(scope, SCOPE_ITEMS_FIELD, 'ScopeSpans.spans', (span) => readSpan(span, resource, sink)),
  );
}

/** Resource.attributes is field 1. The resource may follow its records on the wire, hence its own pass. */
function resourceAttributes(parent: ProtobufReader): WatchedAttributes {
  const attributes: WatchedAttributes = {};
  forEachMessage(parent, RESOURCE_FIELD, 'resource', (resource) => readAttributes(resource, 1, attributes));
  return attributes;
}

// Metric: 1 name; the data oneof 5 gauge, 7 sum, 9 histogram, 10 exponential_histogram, 11 summary, each
// holding its points in field 1; the points' attributes are field 7 (NumberDataPoint, SummaryDataPoint),
// 9 (HistogramDataPoint) or 1 (ExponentialHistogramDataPoint).
const POINT_ATTRIBUTES_BY_DATA_FIELD: ReadonlyMap<number, number> = new Map([
  [5, 7],
  [7, 7],
  [9, 9],
  [10, 1],
  [11, 7],
]);

function readMetric(metric: ProtobufReader, resource: WatchedAttributes, sink: OtlpSink): void {
  // The name may follow the data on the wire: read it first, then the points.
  const name = lastString(metric, 1, 'Metric.name') ?? '';
  const pass = metric.clone();
  while (!pass.done) {
    const tag = pass.readTag();
    const attributesField = POINT_ATTRIBUTES_BY_DATA_FIELD.get(tag.field);
    if (attributesField === undefined) {
      pass.skip(tag.wireType);
      continue;
    }
    expectWireType(tag, WireType.lengthDelimited, 'Metric data');
    forEachMessage(pass.readMessage(), 1, 'data_points', (point) => {
      const attributes = { ...resource };
      readAttributes(point, attributesField, attributes);
      sink.dataPoint(name, attributes);
    });
  }
}

// LogRecord: 5 body (AnyValue), 6 attributes, 12 event_name.
function readLogRecord(record: ProtobufReader, resource: WatchedAttributes, sink: OtlpSink): void {
  const attributes = { ...resource };
  let eventName: string | undefined;
  let body: string | undefined;
  while (!record.done) {
    const tag = record.readTag();
    switch (tag.field) {
      case 5:
        expectWireType(tag, WireType.lengthDelimited, 'LogRecord.body');
        body = anyValueString(record.readMessage());
        break;
      case 6:
        expectWireType(tag, WireType.lengthDelimited, 'LogRecord.attributes');
        readKeyValue(record.readMessage(), attributes);
        break;
      case 12:
        expectWireType(tag, WireType.lengthDelimited, 'LogRecord.event_name');
        eventName = record.readString() || undefined;
        break;
      default:
        record.skip(tag.wireType);
    }
  }
  sink.logRecord({ eventName, body, attributes });
}

// Span: 5 name, 9 attributes.
function readSpan(span: ProtobufReader, resource: WatchedAttributes, sink: OtlpSink): void {
  const attributes = { ...resource };
  let name = '';
  while (!span.done) {
    const tag = span.readTag();
    switch (tag.field) {
      case 5:
        expectWireType(tag, WireType.lengthDelimited, 'Span.name');
        name = span.readString();
        break;
      case 9:
        expectWireType(tag, WireType.lengthDelimited, 'Span.attributes');
        readKeyValue(span.readMessage(), attributes);
        break;
      default:
        span.skip(tag.wireType);
    }
  }
  sink.span(name, attributes);
}

/** Every repeated KeyValue in `field` of `message`, watched ones kept in `into` (a later value wins). */
function readAttributes(message: ProtobufReader, field: number, into: WatchedAttributes): void {
  forEachMessage(message, field, 'attributes', (keyValue) => readKeyValue(keyValue, into));
}

// KeyValue: 1 key, 2 value (AnyValue). Only a watched key's value is decoded.
function readKeyValue(keyValue: ProtobufReader, into: WatchedAttributes): void {
  let key = '';
  let value: ProtobufReader | undefined;
  while (!keyValue.done) {
    const tag = keyValue.readTag();
    if (tag.field === 1) {
      expectWireType(tag, WireType.lengthDelimited, 'KeyValue.key');
      key = keyValue.readString();
    } else if (tag.field === 2) {
      expectWireType(tag, WireType.lengthDelimited, 'KeyValue.value');
      value = keyValue.readMessage();
    } else {
      keyValue.skip(tag.wireType);
    }
  }
  if (value === undefined || !isWatchedAttribute(key)) return;
  const text = anyValueString(value);
  if (text !== undefined) into[key] = text;
}

/** AnyValue.string_value (field 1) when that is the value set; other kinds are not ours to read. */
function anyValueString(anyValue: ProtobufReader): string | undefined {
  let text: string | undefined;
  while (!anyValue.done) {
    const tag = anyValue.readTag();
    if (tag.field === 1) {
      expectWireType(tag, WireType.lengthDelimited, 'AnyValue.string_value');
      text = anyValue.readString();
    } else {
      // A oneof: the last member on the wire is the value, so a later member of another kind clears ours.
      text = undefined;
      anyValue.skip(tag.wireType);
    }
  }
  return text;
}

/** Calls `visit` with each embedded message in `field`, skipping every other field. */
function forEachMessage(
  message: ProtobufReader,
  field: number,
  what: string,
  visit: (item: ProtobufReader) => void,
): void {
  const pass = message.clone();
  while (!pass.done) {
    const tag = pass.readTag();
    if (tag.field !== field) {
      pass.skip(tag.wireType);
      continue;
    }
    expectWireType(tag, WireType.lengthDelimited, what);
    visit(pass.readMessage());
  }
}

/** The last value of a string field (protobuf's rule for a singular field seen twice). */
function lastString(message: ProtobufReader, field: number, what: string): string | undefined {
  const pass = message.clone();
  let text: string | undefined;
  while (!pass.done) {
    const tag = pass.readTag();
    if (tag.field !== field) {
      pass.skip(tag.wireType);
      continue;
    }
    expectWireType(tag, WireType.lengthDelimited, what);
    text = pass.readString();
  }
  return text;
}

function expectWireType(tag: FieldTag, expected: WireType, what: string): void {
  if (tag.wireType !== expected) throw new OtlpReadError(`${what} has wire type ${tag.wireType}`);
}
