// The OpenTelemetry export to a collector that is down: the relay neither fails nor waits on it, and hears of
// it once in its log.
import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startOtelExport } from '../../src/observability/otel/otel-export.js';
import { captureLogger, failed, streamed, unary } from '../support/otel-fixtures.js';
import { startOtlpReceiver } from '../support/otlp-receiver.js';

describe('OpenTelemetry export to a collector that is down', () => {
  it('neither throws nor holds up shutdown, and logs the failure once without its headers', async () => {
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as { port: number };
    closed.close();
    await once(closed, 'close');
    const { logger, lines } = captureLogger();

    const otel = await startOtelExport({
      endpoint: `http://127.0.0.1:${port}`,
      headers: { authorization: 'Bearer collector-secret' },
      exportTimeoutMs: 500,
      logger,
    });
    expect(() => {
      for (const entry of [streamed, unary, failed]) otel.record(entry);
    }).not.toThrow();
    const started = Date.now();
    await expect(otel.shutdown()).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(5000);
    // Both signals failed; the second failure within the minute is counted, not logged.
    const warnings = lines.filter((line) => line.includes('OpenTelemetry export failed'));
    expect(warnings).toHaveLength(1);
    expect(lines.join('')).not.toContain('collector-secret');
    // After shutdown, a late settle is ignored rather than an error.
    expect(() => otel.record(streamed)).not.toThrow();
  });

  it('carries on when the collector refuses the exports', async () => {
    const receiver = await startOtlpReceiver();
    receiver.failWith(400);
    const { logger, lines } = captureLogger();
    const otel = await startOtelExport({ endpoint: receiver.url, logger });
    otel.record(streamed);
    await expect(otel.shutdown()).resolves.toBeUndefined();
    await receiver.close();
    expect(receiver.spans).toEqual([]);
    const warnings = lines.filter((line) => line.includes('OpenTelemetry export failed'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0] ?? '{}')).toMatchObject({ level: 'warn', stage: expect.any(String) });
  });
});
