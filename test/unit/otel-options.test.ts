// The OpenTelemetry export's settings from OTEL_* variables: off by default, the spec's defaults, clear errors
// naming the variable, and no OpenTelemetry module in the relay's static import graph.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { otelOptionsFromEnv } from '../../src/observability/otel/otel-options.js';
import { listFiles, readImports } from '../support/import-graph.js';

describe('otelOptionsFromEnv', () => {
  it('is off without an endpoint, with an empty one, and when the SDK is disabled', () => {
    expect(otelOptionsFromEnv({})).toBeUndefined();
    expect(otelOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toBeUndefined();
    for (const disabled of ['true', 'TRUE', ' True ']) {
      expect(
        otelOptionsFromEnv({
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
          OTEL_SDK_DISABLED: disabled,
        }),
      ).toBeUndefined();
    }
  });

  it('takes the spec defaults when only the endpoint is set', () => {
    expect(otelOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toEqual({
      endpoint: 'http://collector:4318',
      headers: {},
      serviceName: 'llm-relay',
      metricIntervalMs: 60_000,
      exportTimeoutMs: 10_000,
    });
    // Anything but "true" leaves the SDK enabled, as the spec reads booleans.
    expect(
      otelOptionsFromEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_SDK_DISABLED: 'false',
      }),
    ).toBeDefined();
  });

  it('reads every variable it knows', () => {
    expect(
      otelOptionsFromEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.com/base/path/',
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key=secret%3Dvalue , x-tenant = relay,,',
        OTEL_SERVICE_NAME: 'relay-eu',
        OTEL_METRIC_EXPORT_INTERVAL: '15000',
        OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      }),
    ).toEqual({
      // The signal paths are appended to the base, so its trailing slash goes.
      endpoint: 'https://otlp.example.com/base/path',
      headers: { 'api-key': 'secret=value', 'x-tenant': 'relay' },
      serviceName: 'relay-eu',
      metricIntervalMs: 15_000,
      exportTimeoutMs: 2500,
    });
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, /OTEL_EXPORTER_OTLP_ENDPOINT must be an http/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }, /OTEL_EXPORTER_OTLP_ENDPOINT is not a URL/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317' }, /OTEL_EXPORTER_OTLP_ENDPOINT must be an http/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://user:pw@collector:4318' }, /must not carry credentials/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/?tenant=a' }, /must not have a query/],
    [{ OTEL_EXPORTER_OTLP_HEADERS: 'no-equals-sign' }, /OTEL_EXPORTER_OTLP_HEADERS .*pair 1/],
    [{ OTEL_EXPORTER_OTLP_HEADERS: 'a=1,bad name=2' }, /OTEL_EXPORTER_OTLP_HEADERS .*pair 2/],
    [{ OTEL_EXPORTER_OTLP_HEADERS: 'a=%E0%A4%A' }, /OTEL_EXPORTER_OTLP_HEADERS/],
    [{ OTEL_METRIC_EXPORT_INTERVAL: '0' }, /OTEL_METRIC_EXPORT_INTERVAL must be a positive/],
    [{ OTEL_METRIC_EXPORT_INTERVAL: '1.5' }, /OTEL_METRIC_EXPORT_INTERVAL/],
    [{ OTEL_EXPORTER_OTLP_TIMEOUT: 'soon' }, /OTEL_EXPORTER_OTLP_TIMEOUT/],
    [
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      /OTEL_EXPORTER_OTLP_PROTOCOL must be http\/json or http\/protobuf/,
    ],
  ])('refuses %j, naming the variable', (overrides, message) => {
    expect(() =>
      otelOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', ...overrides }),
    ).toThrow(message);
  });

  it('never echoes a value, which can be a credential', () => {
    const secret = 'sk-collector-123';
    for (const env of [
      { OTEL_EXPORTER_OTLP_ENDPOINT: `http://${secret}:x@collector` },
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector', OTEL_EXPORTER_OTLP_HEADERS: `${secret}` },
    ]) {
      expect(() => otelOptionsFromEnv(env)).toThrow(/OTEL_EXPORTER_OTLP/);
      expect(() => otelOptionsFromEnv(env)).not.toThrow(new RegExp(secret));
    }
  });
});

describe('OpenTelemetry while the export is off', () => {
  it('is loaded only by dynamic import: no src file imports it at run time', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const files = listFiles(root, 'src').filter((file) => file.endsWith('.ts'));
    const eager = files.flatMap((file) =>
      readImports(readFileSync(path.join(root, file), 'utf8'))
        .filter((statement) => statement.specifier.startsWith('@opentelemetry/'))
        .filter((statement) => statement.kind !== 'dynamic' && !statement.typeOnly)
        .map((statement) => `${file}:${statement.line} ${statement.specifier}`),
    );
    expect(eager).toEqual([]);
    // The rule looks at something: the export does import the SDK, dynamically.
    const exporter = readImports(
      readFileSync(path.join(root, 'src/observability/otel/otel-export.ts'), 'utf8'),
    );
    expect(exporter.filter((statement) => statement.kind === 'dynamic').length).toBeGreaterThan(0);
  });
});
