// The generic webhook renderer: the Standard Webhooks headers and signature, checked against the spec's own
// test vector and by verifying a rendered request the way a receiver would.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderWebhook, standardWebhookSignature } from '../../src/services/notify/renderers/webhook.js';
import { sampleNotification } from '../support/notify-fixtures.js';

const SECRET = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;

/** A receiver's verification, written from the spec rather than from the code under test. */
function verify(secret: string, headers: Record<string, string>, body: string): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signed = `${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`;
  const expected = createHmac('sha256', key).update(signed).digest();
  return (headers['webhook-signature'] ?? '').split(' ').some((entry) => {
    const [version, signature = ''] = entry.split(',');
    const given = Buffer.from(signature, 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

describe('webhook renderer (Standard Webhooks)', () => {
  it("matches the spec's test vector", () => {
    expect(
      standardWebhookSignature(
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        1614265330,
        '{"test": 2432232314}',
      ),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('signs id.timestamp.body with the decoded secret, timestamp in seconds', () => {
    const notification = sampleNotification();
    const now = 1_767_225_600_123;
    const out = renderWebhook(
      notification,
      { kind: 'webhook', url: 'https://example.test/hook', signingSecret: SECRET },
      { now },
    );
    expect(out.url).toBe('https://example.test/hook');
    expect(out.headers['webhook-id']).toBe(notification.id);
    expect(out.headers['webhook-timestamp']).toBe('1767225600');
    expect(out.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(verify(SECRET, out.headers, out.body)).toBe(true);
    // Any change to the body breaks the signature.
    expect(verify(SECRET, out.headers, out.body.replace('12.5%', '1.5%'))).toBe(false);
    const other = `whsec_${Buffer.alloc(32, 6).toString('base64')}`;
    expect(verify(other, out.headers, out.body)).toBe(false);
  });

  it('sends { type, timestamp, data } with the whole notification as data', () => {
    const notification = sampleNotification();
    const out = renderWebhook(
      notification,
      { kind: 'webhook', url: 'https://example.test/hook', signingSecret: SECRET },
      { now: 0 },
    );
    expect(JSON.parse(out.body)).toEqual({
      type: 'alert.firing',
      timestamp: '2026-01-02T03:04:05.000Z',
      data: notification,
    });
    expect(out.headers['content-type']).toBe('application/json');
  });
});
