// Export failures of the OpenTelemetry export, reported to the relay's log at most once a minute and never thrown.
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

/** What an exporter hands its callback (`ExportResult` of @opentelemetry/core, reached through a declared dependency). */
type ExportResult = Parameters<Parameters<SpanExporter['export']>[1]>[0];

/** `ExportResultCode.SUCCESS`. */
const EXPORT_SUCCEEDED = 0;

export type ExportStage = 'traces' | 'metrics' | 'record' | 'shutdown';

/** The part of the relay's logger a failure needs (pino's satisfies it). */
export interface WarningLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * A collector that is down fails every export, every few seconds: the first failure is logged, the next minute's
 * are counted and the count goes out with the next one logged, so the log says how bad it was without flooding.
 */
export class FailureLog {
  private lastLoggedAt = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  constructor(
    private readonly logger: WarningLog,
    private readonly intervalMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  report(stage: ExportStage, error: unknown): void {
    const at = this.now();
    if (at - this.lastLoggedAt < this.intervalMs) {
      this.suppressed += 1;
      return;
    }
    // The message only: an exporter's error object can hold the collector's whole response body.
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.warn(
      { stage, reason, suppressedSinceLast: this.suppressed },
      'OpenTelemetry export failed; the relay carries on without it',
    );
    this.lastLoggedAt = at;
    this.suppressed = 0;
  }
}

function watch(result: ExportResult, stage: ExportStage, failures: FailureLog): void {
  if (result.code !== EXPORT_SUCCEEDED) failures.report(stage, result.error ?? new Error('export failed'));
}

/** The span exporter, reporting each failed export to `failures` (the SDK itself tells only its diag logger). */
export function watchSpanExporter(exporter: SpanExporter, failures: FailureLog): SpanExporter {
  return {
    export: (spans, done) =>
      exporter.export(spans, (result) => {
        watch(result, 'traces', failures);
        done(result);
      }),
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

/** The metric exporter, likewise; its temporality and aggregation choices pass through unchanged. */
export function watchMetricExporter(exporter: PushMetricExporter, failures: FailureLog): PushMetricExporter {
  const watched: PushMetricExporter = {
    export: (metrics, done) =>
      exporter.export(metrics, (result) => {
        watch(result, 'metrics', failures);
        done(result);
      }),
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush(),
  };
  if (exporter.selectAggregationTemporality) {
    watched.selectAggregationTemporality = exporter.selectAggregationTemporality.bind(exporter);
  }
  if (exporter.selectAggregation) watched.selectAggregation = exporter.selectAggregation.bind(exporter);
  return watched;
}
