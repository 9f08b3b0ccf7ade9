// The WeCom renderer: a markdown message with the robot's font colours, bounded in UTF-8 bytes.
import { describe, expect, it } from 'vitest';
import { renderWecom, wecomMarkdown } from '../../src/services/notify/renderers/wecom.js';
import { sampleNotification } from '../support/notify-fixtures.js';

describe('wecom renderer', () => {
  it('sends markdown with a coloured headline and the facts', () => {
    const out = renderWecom(sampleNotification(), {
      kind: 'wecom',
      webhookUrl: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1',
    });
    const payload = JSON.parse(out.body) as { msgtype: string; markdown: { content: string } };
    expect(payload.msgtype).toBe('markdown');
    expect(payload.markdown.content).toMatch(/^## <font color="warning">\[Critical\] Firing: /);
    expect(payload.markdown.content).toContain('> **Account**: main (acc_1)');
    expect(wecomMarkdown(sampleNotification({ type: 'alert.resolved' }))).toContain('<font color="info">');
    expect(out.refusal?.('{"errcode":93000,"errmsg":"invalid webhook url"}')).toContain('93000');
  });

  it('keeps the content within 4096 bytes of UTF-8', () => {
    const content = wecomMarkdown(sampleNotification({ text: '告警'.repeat(3000) }));
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(4096);
  });
});
