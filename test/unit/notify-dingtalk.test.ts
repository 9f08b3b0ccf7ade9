// The DingTalk renderer: a markdown message, and the robot signature (加签) recomputed here from DingTalk's
// documented rule: base64(HMAC-SHA256 keyed with the secret over `${timestamp}\n${secret}`), URL-encoded.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderDingtalk } from '../../src/services/notify/renderers/dingtalk.js';
import { sampleNotification } from '../support/notify-fixtures.js';

const WEBHOOK = 'https://oapi.dingtalk.com/robot/send?access_token=tok123';

describe('dingtalk renderer', () => {
  it('sends a markdown message titled with the headline, facts as a list', () => {
    const out = renderDingtalk(sampleNotification(), { kind: 'dingtalk', webhookUrl: WEBHOOK }, { now: 0 });
    expect(out.url).toBe(WEBHOOK);
    const payload = JSON.parse(out.body) as { msgtype: string; markdown: { title: string; text: string } };
    expect(payload.msgtype).toBe('markdown');
    expect(payload.markdown.title).toBe('[Critical] Firing: Error rate above 5% on account main');
    expect(payload.markdown.text).toContain('### [Critical] Firing');
    expect(payload.markdown.text).toContain('- **threshold**: 5%');
  });

  it('appends timestamp (ms) and the URL-encoded sign to the webhook URL', () => {
    const secret = 'SECabcdef0123456789';
    const now = 1_767_225_600_123;
    const out = renderDingtalk(
      sampleNotification(),
      { kind: 'dingtalk', webhookUrl: WEBHOOK, signingSecret: secret },
      { now },
    );
    const url = new URL(out.url);
    expect(url.searchParams.get('access_token')).toBe('tok123');
    expect(url.searchParams.get('timestamp')).toBe(String(now));
    const expected = createHmac('sha256', secret).update(`${now}\n${secret}`).digest('base64');
    expect(url.searchParams.get('sign')).toBe(expected);
    // The raw query carries it encoded: base64's +, / and = never appear unescaped.
    const rawSign = /[?&]sign=([^&]*)/.exec(out.url)?.[1] ?? '';
    expect(rawSign).toBe(encodeURIComponent(expected));
  });

  it("reads DingTalk's in-body refusals", () => {
    const out = renderDingtalk(sampleNotification(), { kind: 'dingtalk', webhookUrl: WEBHOOK }, { now: 0 });
    expect(out.refusal?.('{"errcode":0,"errmsg":"ok"}')).toBeUndefined();
    expect(out.refusal?.('{"errcode":310000,"errmsg":"sign not match"}')).toContain('310000');
  });
});
