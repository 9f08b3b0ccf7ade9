// Telegram bot: sendMessage with HTML parse mode, every interpolated value escaped.
// https://core.telegram.org/bots/api#sendmessage and #html-style: "All <, > and & symbols that are not a part
// of a tag or an HTML entity must be replaced with the corresponding HTML entities"; text is 1-4096 characters.
import type { ConfigOf } from '../channel-types.js';
import type { Notification } from '../notification.js';
import { fieldsOf, footer, headline, truncate } from './format.js';
import { type HttpOut, jsonPost } from './outbound.js';

export function escapeTelegramHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/**
 * The message text. Each part is cut before it is escaped, so no entity or tag is ever cut in half, and the
 * budgets (headline 256, text 1500, 15 fields of 40 + 80) keep the parsed text under Telegram's 4096.
 */
export function telegramHtml(notification: Notification): string {
  const parts = [`<b>${escapeTelegramHtml(truncate(headline(notification), 256))}</b>`];
  if (notification.text.trim() !== '') parts.push(escapeTelegramHtml(truncate(notification.text, 1500)));
  const fields = fieldsOf(notification).slice(0, 15);
  if (fields.length > 0) {
    parts.push(
      fields
        .map(
          (field) =>
            `<b>${escapeTelegramHtml(truncate(field.name, 40))}</b>: ${escapeTelegramHtml(truncate(field.value, 80))}`,
        )
        .join('\n'),
    );
  }
  parts.push(`<i>${escapeTelegramHtml(footer(notification))}</i>`);
  return parts.join('\n\n');
}

export function telegramRequestUrl(config: ConfigOf<'telegram'>): string {
  return `${config.apiBaseUrl}/bot${config.botToken}/sendMessage`;
}

export function renderTelegram(notification: Notification, config: ConfigOf<'telegram'>): HttpOut {
  // Telegram answers `{ok: true}`, or a 4xx/5xx with `{ok: false, description}`.
  return jsonPost(telegramRequestUrl(config), {
    chat_id: config.chatId,
    text: telegramHtml(notification),
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
  });
}
