// Optional OpenTelemetry export: a span per relayed request and the GenAI client metrics, built from each settled
// request's ledger entry and pushed over OTLP/HTTP (JSON) to a collector. Off unless started.

import type { Logger } from '../../lib/logger.js';
import type { LedgerEntry } from '../../services/usage/ledger-entry.js';
import { BoundedLabel } from '../bounded-label.js';
import { type BoundValue, describeEntry, ERROR_TYPE, GEN_AI } from './entry-telemetry.js';
import { FailureLog, watchMetricExporter, watchSpanExporter } from './export-failures.js';
import { OTEL_DEFAULTS, type OtelSettings } from './otel-options.js';

export interface OtelExportOptions extends OtelSettings {
  logger: Logger;
  /** `service.version` of the resource and the instrumentation scope's version. */
  serviceVersion?: string;
}

export interface OtelExport {
  /** Exports one settled request: its span now (batched), its metric points at the next push. Never throws. */
  record(entry: LedgerEntry): void;
  /** Flushes what is pending and stops; bounded by the export timeout, never rejects. Idempotent. */
  shutdown(): Promise<void>;
}

/** The GenAI client metrics (semantic-conventions-genai `docs/gen-ai/gen-ai-metrics.md`). */
export const GEN_AI_METRICS = {
  tokenUsage: 'gen_ai.client.token.usage',
  operationDuration: 'gen_ai.client.operation.duration',
  timeToFirstChunk: 'gen_ai.client.operation.time_to_first_chunk',
} as const;

// The bucket boundaries the semconv advises for each metric.
const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
const SECONDS_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

/** Distinct values kept per free-form metric attribute before further ones count as `other`, as relay-metrics. */
const MODEL_LABELS = 200;
const ERROR_LABELS = 50;

const SCOPE = 'llm-relay';

/**
 * Starts the export. The SDK is loaded here, by dynamic import, so a relay that never starts it never loads
 * OpenTelemetry at all. The providers are this export's own, not registered as the API's globals: nothing else
 * in the process reports through them, and two exports (tests) do not meet.
 */
export async function startOtelExport(options: OtelExportOptions): Promise<OtelExport> {
  const [api, resources, traceSdk, metricsSdk, traceOtlp, metricsOtlp] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/sdk-metrics'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/exporter-metrics-otlp-http'),
  ]);
  const failures = new FailureLog(options.logger);
  const timeoutMillis = options.exportTimeoutMs ?? OTEL_DEFAULTS.exportTimeoutMs;
  const intervalMillis = options.metricIntervalMs ?? OTEL_DEFAULTS.metricIntervalMs;
  const headers = { ...options.headers };
  const resource = resources.defaultResource().merge(
    resources.resourceFromAttributes({
      'service.name': options.serviceName ?? OTEL_DEFAULTS.serviceName,
      ...(options.serviceVersion ? { 'service.version': options.serviceVersion } : {}),
    }),
  );

  const spanExporter = new traceOtlp.OTLPTraceExporter({
    url: `${options.endpoint}/v1/traces`,
    headers,
    timeoutMillis,
  });
  const tracerProvider = new traceSdk.BasicTracerProvider({
    resource,
    spanProcessors: [
      new traceSdk.BatchSpanProcessor(watchSpanExporter(spanExporter, failures), {
        exportTimeoutMillis: timeoutMillis,
      }),
    ],
  });
  const metricExporter = new metricsOtlp.OTLPMetricExporter({
    url: `${options.endpoint}/v1/metrics`,
    headers,
    timeoutMillis,
  });
  const meterProvider = new metricsSdk.MeterProvider({
    resource,
    readers: [
      new metricsSdk.PeriodicExportingMetricReader({
        exporter: watchMetricExporter(metricExporter, failures),
        exportIntervalMillis: intervalMillis,
        // The reader refuses a timeout longer than its interval.
        exportTimeoutMillis: Math.min(timeoutMillis, intervalMillis),
      }),
    ],
  });

  const tracer = tracerProvider.getTracer(SCOPE, options.serviceVersion);
  const meter = meterProvider.getMeter(SCOPE, options.serviceVersion);
  const tokenUsage = meter.createHistogram(GEN_AI_METRICS.tokenUsage, {
    unit: '{token}',
    description: 'Number of input and output tokens used.',
    advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
  });
  const operationDuration = meter.createHistogram(GEN_AI_METRICS.operationDuration, {
    unit: 's',
    description: 'GenAI operation duration.',
    advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
  });
  const timeToFirstChunk = meter.createHistogram(GEN_AI_METRICS.timeToFirstChunk, {
    unit: 's',
    description: 'Time to receive the first chunk of a streaming response.',
    advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
  });

  const labels = new Map<string, BoundedLabel>();
  const bound: BoundValue = (attribute, value) => {
    let label = labels.get(attribute);
    if (!label) {
      label = new BoundedLabel(attribute === ERROR_TYPE ? ERROR_LABELS : MODEL_LABELS);
      labels.set(attribute, label);
    }
    return label.of(value);
  };

  let stopping: Promise<void> | undefined;
  return {
    record(entry) {
      if (stopping) return;
      try {
        const telemetry = describeEntry(entry, bound);
        // The root context, explicitly: the settle runs wherever it runs, and a span must not adopt whatever
        // happens to be active there as its parent.
        const span = tracer.startSpan(
          telemetry.spanName,
          { kind: api.SpanKind.CLIENT, startTime: telemetry.start, attributes: telemetry.spanAttributes },
          api.ROOT_CONTEXT,
        );
        if (telemetry.errorMessage !== undefined) {
          span.setStatus({ code: api.SpanStatusCode.ERROR, message: telemetry.errorMessage });
        }
        span.end(telemetry.end);

        operationDuration.record(telemetry.durationSeconds, telemetry.durationAttributes);
        if (telemetry.tokens) {
          const { metricAttributes } = telemetry;
          tokenUsage.record(telemetry.tokens.input, { ...metricAttributes, [GEN_AI.tokenType]: 'input' });
          tokenUsage.record(telemetry.tokens.output, { ...metricAttributes, [GEN_AI.tokenType]: 'output' });
        }
        if (telemetry.timeToFirstChunkSeconds !== undefined) {
          timeToFirstChunk.record(telemetry.timeToFirstChunkSeconds, telemetry.metricAttributes);
        }
      } catch (error) {
        failures.report('record', error);
      }
    },
    shutdown() {
      stopping ??= Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]).then(
        (results) => {
          for (const result of results) {
            if (result.status === 'rejected') failures.report('shutdown', result.reason);
          }
        },
      );
      return stopping;
    },
  };
}
