// Prometheus metrics: `/metrics` parses with a Prometheus text parser, refuses scrapes without the token, is
// absent when not configured, is served on a port of its own when asked, and after a mixed load its request,
// token and cost counters equal the ledger's.
import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { rawRequest } from '../support/http.js';
import { startReceiver } from '../support/notify-receiver.js';
import { createClaudeAccount, createKey, settled, startTestRelay, type TestRelay } from '../support/relay.js';

const TOKEN = 'scrape-token-0123456789';

function family(families: PrometheusFamily[], name: string): PrometheusFamily {
  const found = families.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no metric ${name}`);
  return found;
}

/** The sum of a counter's samples whose labels match `where`. */
function total(families: PrometheusFamily[], name: string, where: Record<string, string> = {}): number {
  return family(families, name)
    .metrics.filter((sample) =>
      Object.entries(where).every(([label, value]) => sample.labels?.[label] === value),
    )
    .reduce((sum, sample) => sum + Number(sample.value ?? 0), 0);
}

describe('Prometheus metrics', () => {
  let fake: FakeUpstream;
  let relay: TestRelay;
  let key: string;

  beforeAll(async () => {
    fake = await startFakeUpstream();
    relay = await startTestRelay({ env: { METRICS_TOKEN: TOKEN, METRICS_PORT: '0' } });
    await createClaudeAccount(relay, fake.url);
    key = (await createKey(relay)).plaintext;
  });
  afterAll(async () => {
    await relay?.stop();
    await fake?.close();
  });

  const scrape = async (headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) =>
    rawRequest(`${relay.url}/metrics`, { headers });

  const ask = (body: Record<string, unknown>) =>
    rawRequest(`${relay.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], ...body }),
    });

  it('refuses a scrape without the token, or with another, before reading anything', async () => {
    expect((await scrape({})).status).toBe(401);
    expect((await scrape({ authorization: 'Bearer not-the-scrape-token' })).status).toBe(401);
    expect((await scrape({ authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  it('counts exactly what the ledger records, after a mixed load', async () => {
    const before = parsePrometheusTextFormat((await scrape()).body);
    const requestsBefore = total(before, 'llm_relay_requests_total');
    fake.enqueue(
      { usage: { inputTokens: 100, outputTokens: 20, cacheReadTokens: 30, cacheWrite5mTokens: 7 } },
      { status: 500, errorType: 'api_error' },
      { status: 500, errorType: 'api_error' },
      { status: 500, errorType: 'api_error' },
    );
    const answers = await Promise.all([
      ask({ model: 'claude-sonnet-4-5' }),
      ask({ model: 'claude-haiku-4-5', stream: true }),
      ...Array.from({ length: 8 }, (_, index) =>
        ask({ model: index % 2 ? 'claude-sonnet-4-5' : 'claude-haiku-4-5' }),
      ),
    ]);
    expect(answers.length).toBe(10);
    await settled(relay);
    const entries = (await relay.server.services.requestLog.recent(100)).filter((entry) =>
      ['claude-sonnet-4-5', 'claude-haiku-4-5'].includes(entry.model),
    );
    const text = (await scrape()).body;
    const after = parsePrometheusTextFormat(text);
    expect(total(after, 'llm_relay_requests_total') - requestsBefore).toBe(entries.length);
    for (const model of ['claude-sonnet-4-5', 'claude-haiku-4-5']) {
      const ofModel = entries.filter((entry) => entry.model === model);
      const sum = (pick: (usage: (typeof ofModel)[number]['usage']) => number) =>
        ofModel.reduce((count, entry) => count + pick(entry.usage), 0);
      expect(total(after, 'llm_relay_requests_total', { model })).toBe(ofModel.length);
      expect(total(after, 'llm_relay_tokens_total', { model, type: 'input' })).toBe(
        sum((usage) => usage.input),
      );
      expect(total(after, 'llm_relay_tokens_total', { model, type: 'output' })).toBe(
        sum((usage) => usage.output),
      );
      expect(total(after, 'llm_relay_tokens_total', { model, type: 'cache_read' })).toBe(
        sum((usage) => usage.cacheRead),
      );
      expect(total(after, 'llm_relay_tokens_total', { model, type: 'cache_write_5m' })).toBe(
        sum((usage) => usage.cacheWrite5m),
      );
      const cost = ofModel.reduce((micros, entry) => micros + entry.costMicros, 0) / 1_000_000;
      expect(total(after, 'llm_relay_cost_usd_total', { model })).toBeCloseTo(cost, 9);
    }
    // Every outcome the ledger holds has its count, the failed-over attempts among them.
    for (const outcome of new Set(entries.map((entry) => entry.outcome))) {
      expect(total(after, 'llm_relay_requests_total', { outcome })).toBe(
        entries.filter((entry) => entry.outcome === outcome).length,
      );
    }
    expect(family(after, 'llm_relay_request_duration_seconds').type).toBe('HISTOGRAM');
    // The parser keeps a histogram's buckets, not its per-label counts: those are read from the text itself.
    const counts = [...text.matchAll(/^llm_relay_request_duration_seconds_count\{[^}]*\} (\d+)$/gm)];
    expect(counts.reduce((count, match) => count + Number(match[1]), 0)).toBe(
      total(after, 'llm_relay_requests_total'),
    );
    expect(family(after, 'llm_relay_nodejs_eventloop_lag_seconds').type).toBe('GAUGE');
    expect(family(after, 'llm_relay_leases_in_flight').metrics[0]?.value).toBe('0');
    // The one Claude account, active again once the scenario's 500s are over (they rest it only briefly).
    expect(total(after, 'llm_relay_accounts', { platform: 'claude' })).toBe(1);
  });

  it('counts Redis round trips, notification deliveries and the jobs last successes', async () => {
    const receiver = await startReceiver();
    try {
      const before = parsePrometheusTextFormat((await scrape()).body);
      const trips = total(before, 'llm_relay_redis_round_trips_total', { connection: 'main' });
      expect(trips).toBeGreaterThan(0);
      await ask({ model: 'claude-haiku-4-5' });
      await settled(relay);
      const services = relay.server.services;
      const { channel } = await services.operator.channels.create({
        name: 'hook',
        kind: 'webhook',
        url: receiver.url,
      });
      const deliveryId = await services.operator.deliveries.testSend(channel.id);
      await receiver.received(1);
      // Counted when the worker records the attempt, just after the receiver answered.
      await expect
        .poll(async () => (await services.operator.deliveries.status(deliveryId))?.status, { interval: 20 })
        .toBe('delivered');
      const after = parsePrometheusTextFormat((await scrape()).body);
      expect(total(after, 'llm_relay_redis_round_trips_total', { connection: 'main' })).toBeGreaterThan(
        trips,
      );
      expect(total(after, 'llm_relay_redis_errors_total', { connection: 'main' })).toBe(0);
      expect(total(after, 'llm_relay_notification_queue')).toBe(0);
      expect(
        total(after, 'llm_relay_notification_deliveries_total', { channel: 'webhook', result: 'delivered' }),
      ).toBe(1);
      const jobs = family(after, 'llm_relay_job_last_success_timestamp_seconds').metrics.map(
        (sample) => sample.labels?.job,
      );
      expect(jobs).toEqual(
        expect.arrayContaining(['rollups', 'request-log-retention', 'notification-deliveries']),
      );
    } finally {
      await receiver.close();
    }
  });

  it('serves the same on a port of its own, still asking for the token', async () => {
    const url = relay.server.metricsUrl;
    expect(url).toBeDefined();
    expect((await rawRequest(`${url}/metrics`)).status).toBe(401);
    const served = await rawRequest(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(served.status).toBe(200);
    expect(family(parsePrometheusTextFormat(served.body), 'llm_relay_requests_total').type).toBe('COUNTER');
    expect((await rawRequest(`${url}/graphql`)).status).toBe(404);
  });

  it('is not served, nor kept, when no token and no port are configured', async () => {
    const plain = await startTestRelay();
    try {
      expect((await rawRequest(`${plain.url}/metrics`)).status).toBe(404);
      expect(plain.server.metricsUrl).toBeUndefined();
    } finally {
      await plain.stop();
    }
  });
});
