// The delivery rules that need no Redis: full-jitter backoff bounds, and scrubbing secrets out of error text.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, retryDelay } from '../../src/services/notify/backoff.js';
import { scrub, secretValuesOf } from '../../src/services/notify/send-result.js';

describe('retry backoff', () => {
  it('is uniform up to base · 2^(attempt-1), capped', () => {
    const settings = { baseMs: 1_000, capMs: 300_000, maxAttempts: 8 };
    expect(retryDelay(1, settings, () => 0.999_999)).toBe(999);
    expect(retryDelay(3, settings, () => 0.5)).toBe(2_000);
    expect(retryDelay(20, settings, () => 0.999_999)).toBeLessThan(300_000);
    expect(retryDelay(4, settings, () => 0)).toBe(0);
  });

  it("waits at least a receiver's retry-after, itself capped", () => {
    expect(retryDelay(1, DEFAULT_BACKOFF, () => 0, 30_000)).toBe(30_000);
    expect(retryDelay(1, DEFAULT_BACKOFF, () => 0, 3_600_000)).toBe(DEFAULT_BACKOFF.capMs);
  });
});

describe('error scrubbing', () => {
  it("removes a channel's secrets, whole and in part, from messages", () => {
    const secrets = secretValuesOf({
      kind: 'dingtalk',
      webhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=tok-abc-123',
      signingSecret: 'SECsecret',
    });
    expect(scrub('POST https://oapi.dingtalk.com/robot/send?access_token=tok-abc-123 failed', secrets)).toBe(
      'POST [redacted] failed',
    );
    expect(scrub('bad access_token=tok-abc-123 with SECsecret', secrets)).toBe(
      'bad [redacted] with [redacted]',
    );
    const telegram = secretValuesOf({
      kind: 'telegram',
      botToken: '123:AAA',
      chatId: '1',
      apiBaseUrl: 'https://api.telegram.org',
    });
    expect(scrub('GET /bot123:AAA/sendMessage', telegram)).toBe('GET /bot[redacted]/sendMessage');
    expect(scrub('x'.repeat(1000), []).length).toBeLessThanOrEqual(300);
  });
});
