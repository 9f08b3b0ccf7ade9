// OTLP export bodies for the gateway's OTLP reader tests, made the way real clients make them: records emitted
// through OpenTelemetry's own SDKs (sdk-logs, sdk-metrics, sdk-trace-base) and encoded by its own serializers
// (otlp-transformer), in both OTLP/HTTP encodings. What the JS SDK cannot emit (Summary points, fields newer
// than today's protos) is encoded by protobufjs from a schema written here. Also the Claude Code session those
// tests share and the helpers that read an export and insist on a summary or a refusal.
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
import { type OtlpSignal, readOtlpExport } from '../../src/relay/gateway/otlp/read-otlp-export.js';

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

/** Two sessions of one signed-in user, so a summary has more than one session to list. */
export const SESSION = '6f1c0b0e-3d6e-4d1f-9a57-0b6c2d1e8a11';
export const OTHER_SESSION = '0a7d2c4b-8e9f-4a3b-b1c2-d3e4f5a6b7c8';
export const USER_ID = 'c0ffee00aa11bb22cc33dd44ee55ff66778899aabbccddeeff0011223344556677';
export const USER_EMAIL = 'dev@example.com';

/** The attributes Claude Code puts on every event (user.id is a hashed device id, email when signed in). */
export function common(sessionId = SESSION) {
  return {
    'session.id': sessionId,
    'user.id': USER_ID,
    'user.email': USER_EMAIL,
    'organization.id': 'org-1',
    'terminal.type': 'xterm-256color',
  };
}

/** An event the way Claude Code 2.1.x emits it: bare name in `event.name`, qualified name as the body. */
export function claudeEvent(
  name: string,
  attributes: Record<string, string>,
  sessionId = SESSION,
): EmittedLogRecord {
  return {
    body: `claude_code.${name}`,
    attributes: { ...common(sessionId), 'event.name': name, 'event.sequence': 1, ...attributes },
  };
}

/** One Claude Code session's events: 9 records, tool uses Bash 2, Edit 1, Read 1, one event in OTHER_SESSION. */
export const claudeSession: EmittedLogRecord[] = [
  claudeEvent('user_prompt', { prompt_length: '42', prompt: '<REDACTED>' }),
  claudeEvent('api_request', { model: 'claude-sonnet-4-5', cost_usd: '0.0123', input_tokens: '1200' }),
  claudeEvent('tool_decision', {
    tool_name: 'Bash',
    tool_use_id: 'toolu_1',
    decision: 'accept',
    source: 'config',
  }),
  claudeEvent('tool_result', {
    tool_name: 'Bash',
    tool_use_id: 'toolu_1',
    success: 'true',
    duration_ms: '812',
  }),
  claudeEvent('tool_decision', {
    tool_name: 'Edit',
    tool_use_id: 'toolu_2',
    decision: 'reject',
    source: 'user',
  }),
  claudeEvent('tool_result', {
    tool_name: 'Read',
    tool_use_id: 'toolu_3',
    success: 'true',
    duration_ms: '4',
  }),
  claudeEvent('tool_result', {
    tool_name: 'Bash',
    tool_use_id: 'toolu_4',
    success: 'false',
    duration_ms: '90',
  }),
  claudeEvent(
    'api_error',
    { model: 'claude-sonnet-4-5', status_code: '529', error: 'overloaded' },
    OTHER_SESSION,
  ),
  // Newer OpenTelemetry SDKs carry the name in the LogRecord's own event_name field instead.
  { eventName: 'claude_code.api_request', attributes: { ...common(), model: 'claude-haiku-4-5' } },
];

/** Reads `body` sent with the OTLP content type of `encoding`. */
export function read(signal: OtlpSignal, encoding: Encoding, body: Uint8Array) {
  return readOtlpExport(signal, CONTENT_TYPES[encoding], body);
}

/** The summary of a valid export; a refusal fails the test with the reader's message. */
export function summaryOf(signal: OtlpSignal, encoding: Encoding, body: Uint8Array) {
  const result = read(signal, encoding, body);
  if (!result.ok) throw new Error(`expected a valid export, got: ${result.message}`);
  return result.summary;
}

/** The message of a refused export; a valid one fails the test with its summary. */
export function messageOf(signal: OtlpSignal, contentType: string | undefined, body: Uint8Array): string {
  const result = readOtlpExport(signal, contentType, body);
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.summary)}`);
  return result.message;
}

/** JSON bodies, written by hand where the SDK's serializer cannot produce the shape a test needs. */
export const utf8 = new TextEncoder();
export const json = (value: unknown) => utf8.encode(JSON.stringify(value));
