// The Telegram renderer: sendMessage in HTML parse mode with every value escaped, to the configured API base.
import { describe, expect, it } from 'vitest';
import {
  escapeTelegramHtml,
  renderTelegram,
  telegramHtml,
} from '../../src/services/notify/renderers/telegram.js';
import { sampleNotification } from '../support/notify-fixtures.js';

const CONFIG = {
  kind: 'telegram' as const,
  botToken: '123456:ABC-def_ghi',
  chatId: '-1001234',
  apiBaseUrl: 'http://127.0.0.1:9999',
};

describe('telegram renderer', () => {
  it('posts sendMessage with chat id, HTML parse mode and no link preview', () => {
    const out = renderTelegram(sampleNotification(), CONFIG);
    expect(out.url).toBe('http://127.0.0.1:9999/bot123456:ABC-def_ghi/sendMessage');
    const payload = JSON.parse(out.body) as Record<string, unknown>;
    expect(payload).toMatchObject({
      chat_id: '-1001234',
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    });
    expect(payload.text).toMatch(/^<b>\[Critical\] Firing: Error rate above 5% on account main<\/b>/);
  });

  it('escapes <, > and & in every value, leaving only its own tags', () => {
    expect(escapeTelegramHtml('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
    const html = telegramHtml(
      sampleNotification({
        title: '<script>alert(1)</script>',
        text: 'x & y <i>not italic</i>',
        facts: { 'p<99>': 'a&b' },
      }),
    );
    expect(html).toContain('<b>[Critical] Firing: &lt;script&gt;alert(1)&lt;/script&gt;</b>');
    expect(html).toContain('x &amp; y &lt;i&gt;not italic&lt;/i&gt;');
    expect(html).toContain('<b>p&lt;99&gt;</b>: a&amp;b');
    // Only the renderer's own tags remain.
    const tags = html.match(/<\/?[a-z]+>/g) ?? [];
    expect(new Set(tags)).toEqual(new Set(['<b>', '</b>', '<i>', '</i>']));
  });

  it('stays under the 4096-character limit and never cuts an entity', () => {
    const facts = Object.fromEntries(
      Array.from({ length: 40 }, (_, index) => [`f${index}`, '<'.repeat(500)]),
    );
    const html = telegramHtml(sampleNotification({ title: '>'.repeat(900), text: '&'.repeat(5000), facts }));
    // Telegram counts the text after parsing: tags gone, entities one character each.
    const visible = html
      .replace(/<\/?[bi]>/g, '')
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&amp;', '&');
    expect(visible.length).toBeLessThanOrEqual(4096);
    // Every & starts a whole entity.
    expect(html.match(/&[^;]*;/g)?.every((entity) => ['&lt;', '&gt;', '&amp;'].includes(entity))).toBe(true);
  });
});
