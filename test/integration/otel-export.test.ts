// The OpenTelemetry export against a real OTLP/HTTP receiver: spans and GenAI metrics arrive with the documented
// names, units, buckets and attributes (the names checked against @opentelemetry/semantic-conventions).
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
} from '@opentelemetry/semantic-conventions/incubating';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OtelExport, startOtelExport } from '../../src/observability/otel/otel-export.js';
import type { LedgerEntry } from '../../src/services/usage/ledger-entry.js';
import { at, captureLogger, failed, ledgerEntry, streamed, unary } from '../support/otel-fixtures.js';
import { type OtlpReceiver, startOtlpReceiver } from '../support/otlp-receiver.js';

const SPAN_KIND_CLIENT = 3;
const STATUS_UNSET = 0;
const STATUS_ERROR = 2;
// The semconv's advised boundaries.
const TOKEN_BOUNDS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
const SECONDS_BOUNDS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

const base = (entry: LedgerEntry, provider: string) => ({
  [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
  [ATTR_GEN_AI_PROVIDER_NAME]: provider,
  [ATTR_GEN_AI_REQUEST_MODEL]: entry.model,
  [ATTR_GEN_AI_RESPONSE_MODEL]: entry.upstreamModel,
});

describe('OpenTelemetry export', () => {
  let receiver: OtlpReceiver;
  let otel: OtelExport | undefined;

  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(async () => {
    await otel?.shutdown();
    otel = undefined;
    await receiver.close();
  });

  it('exports a CLIENT span per settled request with the GenAI and relay attributes', async () => {
    otel = await startOtelExport({
      endpoint: receiver.url,
      headers: { 'x-collector-key': 'k1' },
      serviceName: 'llm-relay-test',
      serviceVersion: '9.9.9',
      metricIntervalMs: 60_000,
      logger: captureLogger().logger,
    });
    for (const entry of [streamed, unary, failed]) otel.record(entry);
    await otel.shutdown();

    expect(receiver.rejected).toEqual([]);
    expect(receiver.headers.every((headers) => headers['x-collector-key'] === 'k1')).toBe(true);
    const byId = new Map(receiver.spans.map((span) => [span.attributes['relay.request_id'], span]));
    expect(receiver.spans).toHaveLength(3);

    const stream = byId.get('req_stream');
    expect(stream).toMatchObject({
      name: 'chat claude-sonnet-4-5',
      kind: SPAN_KIND_CLIENT,
      startTimeUnixNano: BigInt(at) * 1_000_000n,
      endTimeUnixNano: BigInt(at + 2500) * 1_000_000n,
      status: { code: STATUS_UNSET },
      scope: 'llm-relay',
      resource: { 'service.name': 'llm-relay-test', 'service.version': '9.9.9' },
    });
    expect(stream?.parentSpanId).toBe('');
    expect(stream?.attributes).toEqual({
      ...base(streamed, 'anthropic'),
      [ATTR_GEN_AI_REQUEST_STREAM]: true,
      [ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK]: 0.4,
      // All input, cache reads and writes included, as the semconv asks.
      [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 1300,
      [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 50,
      [ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 1000,
      [ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: 200,
      'http.response.status_code': 200,
      'relay.request_id': 'req_stream',
      'relay.client_request_id': 'client-1',
      'relay.key_id': 'key_a',
      'relay.account_id': 'acc_claude',
      'relay.platform': 'claude',
      'relay.outcome': 'ok',
      'relay.cost_usd': 0.012345,
      'relay.attempts': 2,
      'relay.user_id': 'user_1',
      'relay.client_kind': 'claude-code',
      'relay.client_format': 'openai-chat',
      'relay.upstream_format': 'anthropic',
    });

    const whole = byId.get('req_unary');
    expect(whole?.name).toBe('chat gpt-5');
    expect(whole?.attributes).toMatchObject({
      ...base(unary, 'openai'),
      [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 10,
      [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 20,
      [ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]: 5,
    });
    expect(whole?.attributes).not.toHaveProperty(ATTR_GEN_AI_REQUEST_STREAM);
    expect(whole?.attributes).not.toHaveProperty(ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK);
    expect(whole?.attributes).not.toHaveProperty('relay.client_format');
    expect(whole?.attributes).not.toHaveProperty('relay.upstream_format');

    const error = byId.get('req_failed');
    // The code is the low-cardinality error.type; the message says what happened.
    expect(error?.status).toEqual({ code: STATUS_ERROR, message: failed.errorMessage });
    expect(error?.attributes).toMatchObject({
      'error.type': 'rate_limited',
      'http.response.status_code': 429,
      'relay.outcome': 'upstream_error',
    });
    // No usage was reported, so none is claimed.
    expect(error?.attributes).not.toHaveProperty(ATTR_GEN_AI_USAGE_INPUT_TOKENS);
    expect(error?.endTimeUnixNano).toBe(BigInt(at + 2150) * 1_000_000n);
  });

  it('exports the GenAI client metrics with their units, buckets and attributes', async () => {
    otel = await startOtelExport({
      endpoint: receiver.url,
      metricIntervalMs: 50,
      logger: captureLogger().logger,
    });
    for (const entry of [streamed, unary, failed, streamed]) otel.record(entry);
    await otel.shutdown();
    expect(receiver.rejected).toEqual([]);

    const tokens = receiver.latest(METRIC_GEN_AI_CLIENT_TOKEN_USAGE);
    expect(tokens.every((point) => point.unit === '{token}' && point.type === 'histogram')).toBe(true);
    expect(tokens[0]?.explicitBounds).toEqual(TOKEN_BOUNDS);
    // The failed request reported no usage: four series from the two that did, none from it.
    expect(tokens).toHaveLength(4);
    const claude = base(streamed, 'anthropic');
    const openai = base(unary, 'openai');
    const usage = (attributes: object, type: string) =>
      receiver.series(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, { ...attributes, [ATTR_GEN_AI_TOKEN_TYPE]: type });
    expect(usage(claude, 'input')).toMatchObject({ count: 2, sum: 2600 });
    expect(usage(claude, 'output')).toMatchObject({ count: 2, sum: 100 });
    expect(usage(openai, 'input')).toMatchObject({ count: 1, sum: 10 });
    expect(usage(openai, 'output')).toMatchObject({ count: 1, sum: 20 });

    const durations = receiver.latest(METRIC_GEN_AI_CLIENT_OPERATION_DURATION);
    expect(durations.every((point) => point.unit === 's')).toBe(true);
    expect(durations[0]?.explicitBounds).toEqual(SECONDS_BOUNDS);
    expect(durations).toHaveLength(3);
    const duration = (attributes: object) =>
      receiver.series(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, { ...attributes });
    expect(duration(claude)).toMatchObject({ count: 2, sum: 5 });
    expect(duration(openai)).toMatchObject({ count: 1, sum: 0.8 });
    expect(duration({ ...claude, 'error.type': 'rate_limited' })).toMatchObject({ count: 1, sum: 0.15 });

    // Streams with a first chunk only: the whole answer and the failed stream have none.
    const firstChunks = receiver.latest(METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK);
    expect(firstChunks).toHaveLength(1);
    expect(firstChunks[0]).toMatchObject({ unit: 's', attributes: claude, count: 2, sum: 0.8 });
    expect(firstChunks[0]?.explicitBounds).toEqual(SECONDS_BOUNDS);
  });

  it('pushes metrics on its interval, without waiting for shutdown', async () => {
    otel = await startOtelExport({
      endpoint: receiver.url,
      metricIntervalMs: 50,
      logger: captureLogger().logger,
    });
    otel.record(unary);
    await receiver.until(() => receiver.latest(METRIC_GEN_AI_CLIENT_OPERATION_DURATION).length > 0);
    expect(receiver.latest(METRIC_GEN_AI_CLIENT_OPERATION_DURATION)[0]).toMatchObject({ count: 1, sum: 0.8 });
  });

  it('bounds the models metric attributes carry, while spans keep every name', async () => {
    otel = await startOtelExport({ endpoint: receiver.url, logger: captureLogger().logger });
    const models = Array.from({ length: 205 }, (_, index) => `model-${index}`);
    for (const model of models) otel.record(ledgerEntry({ requestId: model, model, upstreamModel: model }));
    await otel.shutdown();

    const durations = receiver.latest(METRIC_GEN_AI_CLIENT_OPERATION_DURATION);
    const named = durations.map((point) => point.attributes[ATTR_GEN_AI_REQUEST_MODEL]);
    expect(durations).toHaveLength(201);
    expect(
      receiver.series(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
        ...base(ledgerEntry({}), 'anthropic'),
        [ATTR_GEN_AI_REQUEST_MODEL]: 'other',
        [ATTR_GEN_AI_RESPONSE_MODEL]: 'other',
      }),
    ).toMatchObject({ count: 5 });
    expect(named).toContain('model-199');
    expect(named).not.toContain('model-200');
    expect(new Set(receiver.spans.map((span) => span.name))).toEqual(
      new Set(models.map((model) => `chat ${model}`)),
    );
  });
});
