// The OpenTelemetry export's settings, read from the standard OTEL_* variables; no endpoint means no export.

/** Where and how the relay exports; every field but the endpoint has the OTel spec's default. */
export interface OtelSettings {
  /**
   * The OTLP/HTTP base URL (`http://collector:4318`), without a trailing slash: traces go to
   * `${endpoint}/v1/traces` and metrics to `${endpoint}/v1/metrics`, as OTEL_EXPORTER_OTLP_ENDPOINT defines.
   */
  endpoint: string;
  /** Sent with every export (a collector's or vendor's API key); never logged. */
  headers?: Record<string, string>;
  /** `service.name` of the resource; default `llm-relay`. */
  serviceName?: string;
  /** How often metrics are pushed, in ms; default 60 000. */
  metricIntervalMs?: number;
  /** How long one export may take, retries included, in ms; default 10 000. Bounds how long shutdown waits. */
  exportTimeoutMs?: number;
}

export const OTEL_DEFAULTS = {
  serviceName: 'llm-relay',
  metricIntervalMs: 60_000,
  exportTimeoutMs: 10_000,
} as const;

// RFC 9110 token characters: a header name outside them makes node:http throw at every export.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The export's settings from the environment, or undefined when it is off: OTEL_EXPORTER_OTLP_ENDPOINT unset or
 * empty, or OTEL_SDK_DISABLED=true. A value that cannot work throws an Error naming its variable, so a typo
 * stops the start instead of silently exporting nowhere. Values are not echoed: endpoints and headers can
 * carry credentials.
 */
export function otelOptionsFromEnv(env: NodeJS.ProcessEnv): Required<OtelSettings> | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!endpoint) return undefined;
  checkProtocol(env.OTEL_EXPORTER_OTLP_PROTOCOL);
  return {
    endpoint: parseEndpoint(endpoint),
    headers: parseHeaders(env.OTEL_EXPORTER_OTLP_HEADERS),
    serviceName: env.OTEL_SERVICE_NAME?.trim() || OTEL_DEFAULTS.serviceName,
    metricIntervalMs: parseMillis(
      'OTEL_METRIC_EXPORT_INTERVAL',
      env.OTEL_METRIC_EXPORT_INTERVAL,
      OTEL_DEFAULTS.metricIntervalMs,
    ),
    exportTimeoutMs: parseMillis(
      'OTEL_EXPORTER_OTLP_TIMEOUT',
      env.OTEL_EXPORTER_OTLP_TIMEOUT,
      OTEL_DEFAULTS.exportTimeoutMs,
    ),
  };
}

function parseEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      'OTEL_EXPORTER_OTLP_ENDPOINT is not a URL (expected the OTLP/HTTP base, e.g. http://collector:4318)',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error('OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL');
  }
  if (url.username || url.password) {
    throw new Error(
      'OTEL_EXPORTER_OTLP_ENDPOINT must not carry credentials; put them in OTEL_EXPORTER_OTLP_HEADERS',
    );
  }
  // The signal paths are appended to the base, which a query or fragment would end up in front of.
  if (url.search || url.hash) {
    throw new Error('OTEL_EXPORTER_OTLP_ENDPOINT must not have a query or fragment');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** `key=value,key2=value2`, values percent-decoded, as the OTel spec defines OTEL_EXPORTER_OTLP_HEADERS. */
function parseHeaders(value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!value?.trim()) return headers;
  value.split(',').forEach((pair, index) => {
    if (!pair.trim()) return;
    const equals = pair.indexOf('=');
    const name = equals > 0 ? pair.slice(0, equals).trim() : '';
    let decoded: string | undefined;
    try {
      decoded = decodeURIComponent(pair.slice(equals + 1).trim());
    } catch {
      decoded = undefined;
    }
    if (!HEADER_NAME.test(name) || decoded === undefined) {
      throw new Error(
        `OTEL_EXPORTER_OTLP_HEADERS must be comma-separated key=value pairs with percent-encoded values (pair ${index + 1} is not)`,
      );
    }
    headers[name] = decoded;
  });
  return headers;
}

function parseMillis(variable: string, value: string | undefined, fallback: number): number {
  const text = value?.trim();
  if (!text) return fallback;
  const millis = Number(text);
  if (!Number.isSafeInteger(millis) || millis <= 0) {
    throw new Error(`${variable} must be a positive whole number of milliseconds`);
  }
  return millis;
}

/**
 * The export speaks OTLP over HTTP with JSON bodies. A collector's HTTP port takes JSON as well as protobuf on the
 * same paths, so `http/protobuf` (the spec's default) still reaches it; gRPC is another port and another wire.
 */
function checkProtocol(value: string | undefined): void {
  const protocol = value?.trim();
  if (!protocol || protocol === 'http/json' || protocol === 'http/protobuf') return;
  throw new Error(
    'OTEL_EXPORTER_OTLP_PROTOCOL must be http/json or http/protobuf: the relay exports OTLP over HTTP',
  );
}
