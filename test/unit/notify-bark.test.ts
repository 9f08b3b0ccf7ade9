// The Bark renderer: POST /push with device key, title, body, interruption level and group.
import { describe, expect, it } from 'vitest';
import { barkPayload, renderBark } from '../../src/services/notify/renderers/bark.js';
import { sampleNotification } from '../support/notify-fixtures.js';

const CONFIG = { kind: 'bark' as const, serverUrl: 'https://bark.example.test', deviceKey: 'devkey123' };

describe('bark renderer', () => {
  it('posts to /push with the device key, title, body, level and group', () => {
    const out = renderBark(sampleNotification(), CONFIG);
    expect(out.url).toBe('https://bark.example.test/push');
    const payload = JSON.parse(out.body) as Record<string, string>;
    expect(payload).toMatchObject({
      device_key: 'devkey123',
      title: '[Critical] Firing: Error rate above 5% on account main',
      level: 'timeSensitive',
      group: 'llm-relay',
    });
    expect(payload.body).toContain('threshold: 5%');
  });

  it('lets resolutions and info land quietly, and uses the channel group', () => {
    expect(barkPayload(sampleNotification({ type: 'alert.resolved' }), CONFIG).level).toBe('passive');
    expect(
      barkPayload(sampleNotification({ severity: 'warning' }), { ...CONFIG, group: 'ops' }),
    ).toMatchObject({
      level: 'active',
      group: 'ops',
    });
  });

  it("reads Bark's answer code", () => {
    const out = renderBark(sampleNotification(), CONFIG);
    expect(out.refusal?.('{"code":200,"message":"success"}')).toBeUndefined();
    expect(out.refusal?.('{"code":400,"message":"failed to get device token"}')).toContain('400');
  });
});
