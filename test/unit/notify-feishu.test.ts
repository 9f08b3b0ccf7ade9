// The Feishu renderer: an interactive card coloured by severity, and the bot signature recomputed here from
// Feishu's documented rule (HMAC-SHA256 keyed with `${timestamp}\n${secret}` over nothing, base64).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderFeishu } from '../../src/services/notify/renderers/feishu.js';
import { sampleNotification } from '../support/notify-fixtures.js';

const URL = 'https://open.feishu.cn/open-apis/bot/v2/hook/abc-123';

interface Card {
  header: { title: { tag: string; content: string }; template: string };
  elements: Array<{ tag: string; text?: { content: string }; fields?: Array<{ text: { content: string } }> }>;
}

describe('feishu renderer', () => {
  it('sends an interactive card with a red header for a critical alert', () => {
    const out = renderFeishu(sampleNotification(), { kind: 'feishu', webhookUrl: URL }, { now: 0 });
    expect(out.url).toBe(URL);
    const payload = JSON.parse(out.body) as { msg_type: string; card: Card; sign?: string };
    expect(payload.msg_type).toBe('interactive');
    expect(payload.card.header.template).toBe('red');
    expect(payload.card.header.title.content).toBe('[Critical] Firing: Error rate above 5% on account main');
    expect(payload.card.elements.map((element) => element.tag)).toEqual(['div', 'div', 'note']);
    expect(payload.card.elements[1]?.fields?.[0]?.text.content).toBe('Rule: High error rate');
    expect(payload.sign).toBeUndefined();
  });

  it('signs with timestamp (seconds) and sign when the bot has a secret', () => {
    const secret = 'feishu-bot-secret';
    const now = 1_767_225_600_999;
    const out = renderFeishu(
      sampleNotification(),
      { kind: 'feishu', webhookUrl: URL, signingSecret: secret },
      { now },
    );
    const payload = JSON.parse(out.body) as { timestamp: string; sign: string };
    expect(payload.timestamp).toBe('1767225600');
    const expected = createHmac('sha256', `${payload.timestamp}\n${secret}`)
      .update(Buffer.alloc(0))
      .digest('base64');
    expect(payload.sign).toBe(expected);
  });

  it("reads Feishu's in-body refusals", () => {
    const out = renderFeishu(sampleNotification(), { kind: 'feishu', webhookUrl: URL }, { now: 0 });
    expect(out.refusal?.('{"code":0,"msg":"success","data":{}}')).toBeUndefined();
    expect(out.refusal?.('{"code":19021,"msg":"sign match fail"}')).toBe(
      'Feishu refused the message (code 19021: sign match fail)',
    );
  });
});
