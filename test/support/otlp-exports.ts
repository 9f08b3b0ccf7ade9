// OTLP export bodies for the gateway's OTLP reader tests, made the way real clients make them: records emitted
// through OpenTelemetry's own SDKs (sdk-logs, sdk-metrics, sdk-trace-base) and encoded by its own serializers
// (otlp-transformer), in both OTLP/HTTP encodings. What the JS SDK cannot emit (Summary points, fields newer
// than today's protos) is encoded by protobufjs from a schema written here.
import type { Meter, Tracer } from '@opentelemetry/api';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import protobuf from 'protobufjs';

export type Encoding = 'protobuf' | 'json';
export const ENCODINGS: Encoding[] = ['protobuf', 'json'];
export const CONTENT_TYPES: Record<Encoding, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

type Attributes = Record<string, string | number | boolean>;
/** What a logger's emit takes (api-logs' LogRecord, named through sdk-logs, which the tests depend on). */
export type EmittedLogRecord = Parameters<ReturnType<LoggerProvider['getLogger']>['emit']>[0];

/** Claude Code's resource (what it sets without OTEL_RESOURCE_ATTRIBUTES), plus whatever a test adds. */
export function claudeCodeResource(extra: Attributes = {}) {
  return resourceFromAttributes({
    'service.name': 'claude-code',
    'service.version': '2.1.332',
    'os.type': 'linux',
    'host.arch': 'x64',
    ...extra,
  });
}

/** The logs as Claude Code's event logger emits them, through LoggerProvider → in-memory exporter. */
export async function logsExport(
  records: EmittedLogRecord[],
  encoding: Encoding,
  resource = claudeCodeResource(),
): Promise<Uint8Array> {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger('com.anthropic.claude_code.events', '2.1.332');
  for (const record of records) logger.emit(record);
  await provider.forceFlush();
  const finished = exporter.getFinishedLogRecords();
  await provider.shutdown();
  return required(
    encoding === 'protobuf'
      ? ProtobufLogsSerializer.serializeRequest(finished)
      : JsonLogsSerializer.serializeRequest(finished),
  );
}

/** A reader that only collects on demand: the test asks for one collection and serializes it. */
class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** Metrics recorded by `record` on a MeterProvider, collected once; `exponential` names histograms to
 * aggregate as exponential histograms. */
export async function metricsExport(
  record: (meter: Meter) => void,
  encoding: Encoding,
  exponential: string[] = [],
): Promise<Uint8Array> {
  const reader = new CollectingReader();
  const provider = new MeterProvider({
    resource: claudeCodeResource(),
    readers: [reader],
    views: exponential.map((instrumentName) => ({
      instrumentName,
      aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM },
    })),
  });
  record(provider.getMeter('com.anthropic.claude_code', '2.1.332'));
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  return required(
    encoding === 'protobuf'
      ? ProtobufMetricsSerializer.serializeRequest(resourceMetrics)
      : JsonMetricsSerializer.serializeRequest(resourceMetrics),
  );
}

/** Spans started and ended by `record` on a tracer provider, exported in one request. */
export async function tracesExport(
  record: (tracer: Tracer) => void,
  encoding: Encoding,
): Promise<Uint8Array> {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: claudeCodeResource(),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  record(provider.getTracer('com.anthropic.claude_code.tracing', '2.1.332'));
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  await provider.shutdown();
  return required(
    encoding === 'protobuf'
      ? ProtobufTraceSerializer.serializeRequest(spans)
      : JsonTraceSerializer.serializeRequest(spans),
  );
}

function required(body: Uint8Array | undefined): Uint8Array {
  if (body === undefined) throw new Error('the serializer produced no body');
  return body;
}

/**
 * A subset of opentelemetry-proto (same field numbers) with fields no version has yet (numbers 90 and up, or
 * an unused one at the top level): a newer client's export, to prove unknown fields are skipped. `RawExport`
 * carries an embedded message as bytes (the same wire encoding), so a test can lay fields out of order.
 */
const FUTURE_SCHEMA = `
syntax = "proto3";
package future;
message AnyValue { string string_value = 1; int64 int_value = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message Resource { repeated KeyValue attributes = 1; }
message Gadget { string label = 1; repeated uint64 values = 2; }
message LogRecord {
  fixed64 time_unix_nano = 1;
  AnyValue body = 5;
  repeated KeyValue attributes = 6;
  string event_name = 12;
  uint64 future_varint = 90;
  fixed64 future_fixed64 = 91;
  fixed32 future_fixed32 = 92;
  Gadget future_message = 93;
  string future_text = 94;
}
message ScopeLogs { repeated LogRecord log_records = 2; Gadget future_scope = 90; }
message ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; Gadget future_resource = 90; }
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; Gadget future_request = 2; }
message SummaryDataPoint { repeated KeyValue attributes = 7; fixed64 count = 4; double sum = 5; }
message Summary { repeated SummaryDataPoint data_points = 1; }
message Metric { string name = 1; Summary summary = 11; Gadget future_data = 90; }
message ScopeMetrics { repeated Metric metrics = 2; }
message ResourceMetrics { Resource resource = 1; repeated ScopeMetrics scope_metrics = 2; }
message ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
message RawExport { repeated bytes resources = 1; }
`;

const futureRoot = protobuf.parse(FUTURE_SCHEMA, { keepCase: true }).root;

/** Encodes `value` (field names as in the .proto) as the named message of the schema above. */
export function encodeFuture(messageName: string, value: Record<string, unknown>): Uint8Array {
  const type = futureRoot.lookupType(`future.${messageName}`);
  const problem = type.verify(value);
  if (problem) throw new Error(`fixture does not fit future.${messageName}: ${problem}`);
  return type.encode(type.fromObject(value)).finish();
}

export function stringAttribute(key: string, value: string) {
  return { key, value: { string_value: value } };
}
