// OpenTelemetry through the relay: with OTEL_EXPORTER_OTLP_ENDPOINT set, each relayed request arrives at an
// OTLP receiver as a CLIENT span with the GenAI attributes, and the GenAI metrics count the same tokens the
// request log recorded.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { type OtlpReceiver, startOtlpReceiver } from '../support/otlp-receiver.js';
import { createClaudeAccount, createKey, settled, startTestRelay, type TestRelay } from '../support/relay.js';

describe('OpenTelemetry export through the relay', () => {
  let upstream: FakeUpstream;
  let receiver: OtlpReceiver;
  let relay: TestRelay;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    receiver = await startOtlpReceiver();
    relay = await startTestRelay({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=secret-value',
        OTEL_SERVICE_NAME: 'relay-under-test',
        OTEL_METRIC_EXPORT_INTERVAL: '60000',
      },
    });
    await createClaudeAccount(relay, upstream.url);
  });
  afterAll(async () => {
    await relay.stop();
    await receiver.close();
    await upstream.close();
  });

  it('exports a span and the GenAI metrics per relayed request, flushed at shutdown', async () => {
    const client = new Anthropic({
      apiKey: (await createKey(relay)).plaintext,
      baseURL: relay.url,
      maxRetries: 0,
    });
    const { response } = await client.messages
      .create({ model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    const stream = client.messages.stream({
      model: 'claude-haiku-4-5',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'stream please' }],
    });
    await stream.finalMessage();
    await settled(relay);
    const entries = await relay.server.services.requestLog.recent(2);
    // Stopping the relay flushes both signals (the metric interval is far longer than the test).
    await relay.stop();
    await receiver.until(() => receiver.spans.length >= 2 && receiver.points.length > 0);
    expect(receiver.rejected).toEqual([]);
    expect(receiver.headers.every((headers) => headers['x-collector-key'] === 'secret-value')).toBe(true);

    const requestId = response.headers.get('x-request-id');
    const span = receiver.spans.find((candidate) => candidate.attributes['relay.request_id'] === requestId);
    expect(span).toMatchObject({
      name: 'chat claude-haiku-4-5',
      kind: 3,
      status: { code: 0 },
      resource: { 'service.name': 'relay-under-test' },
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.request.model': 'claude-haiku-4-5',
        'gen_ai.response.model': 'claude-haiku-4-5',
        'http.response.status_code': 200,
        'relay.client_format': 'anthropic',
      },
    });
    const entry = entries.find((candidate) => candidate.requestId === requestId);
    expect(span?.attributes['gen_ai.usage.output_tokens']).toBe(entry?.usage.output);
    const streamed = receiver.spans.find(
      (candidate) => candidate.attributes['gen_ai.request.stream'] === true,
    );
    expect(streamed?.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);

    const tokens = receiver.latest('gen_ai.client.token.usage');
    const outputs = tokens.filter((point) => point.attributes['gen_ai.token.type'] === 'output');
    expect(outputs.reduce((sum, point) => sum + point.sum, 0)).toBe(
      entries.reduce((sum, candidate) => sum + candidate.usage.output, 0),
    );
    const durations = receiver.latest('gen_ai.client.operation.duration');
    expect(durations.reduce((sum, point) => sum + point.count, 0)).toBe(2);
    expect(durations[0]?.unit).toBe('s');
    expect(receiver.latest('gen_ai.client.operation.time_to_first_chunk')[0]?.count).toBe(1);
  });
});
