// Feishu (Lark) custom bot: an interactive card whose header colour follows severity; optionally signed.
// Card JSON: https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot (msg_type `interactive`, `card`
// with `header.template` and `elements`). Signature, same page: `sign` = base64(HMAC-SHA256 keyed with
// `${timestamp}\n${secret}` over an empty message), `timestamp` in seconds, both in the body; within 1 hour.
import { createHmac } from 'node:crypto';
import type { ConfigOf } from '../channel-types.js';
import type { Notification } from '../notification.js';
import { fieldsOf, footer, headline, type Tone, toneOf, truncate } from './format.js';
import { answerField, type HttpOut, jsonPost, type RenderContext } from './outbound.js';

/** Card header templates are named colours. */
const TEMPLATE: Record<Tone, string> = { red: 'red', orange: 'orange', blue: 'blue', green: 'green' };

export function feishuSign(timestamp: number, secret: string): string {
  return createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64');
}

const plain = (content: string) => ({ tag: 'plain_text', content });

export function feishuCard(notification: Notification): Record<string, unknown> {
  // Plain text throughout: card markdown has no documented escape, and alert text must not become markup.
  const elements: unknown[] = [];
  if (notification.text.trim() !== '') {
    elements.push({ tag: 'div', text: plain(truncate(notification.text, 2000)) });
  }
  const fields = fieldsOf(notification).slice(0, 20);
  if (fields.length > 0) {
    elements.push({
      tag: 'div',
      fields: fields.map((field) => ({
        is_short: true,
        text: plain(truncate(`${field.name}: ${field.value}`, 500)),
      })),
    });
  }
  elements.push({ tag: 'note', elements: [plain(footer(notification))] });
  return {
    config: { wide_screen_mode: true },
    header: { title: plain(truncate(headline(notification), 200)), template: TEMPLATE[toneOf(notification)] },
    elements,
  };
}

/** Feishu answers 200 with `{code: 0}`, or a non-zero `code` and `msg` (a bad signature is 19021). */
function refusal(body: string): string | undefined {
  const code = answerField(body, 'code') ?? answerField(body, 'StatusCode');
  if (code === undefined || code === 0) return undefined;
  const message = answerField(body, 'msg') ?? answerField(body, 'StatusMessage');
  return `Feishu refused the message (code ${String(code)}${typeof message === 'string' ? `: ${message}` : ''})`;
}

export function renderFeishu(
  notification: Notification,
  config: ConfigOf<'feishu'>,
  context: RenderContext,
): HttpOut {
  const payload: Record<string, unknown> = { msg_type: 'interactive', card: feishuCard(notification) };
  if (config.signingSecret !== undefined) {
    const timestamp = Math.floor(context.now / 1000);
    payload.timestamp = String(timestamp);
    payload.sign = feishuSign(timestamp, config.signingSecret);
  }
  return { ...jsonPost(config.webhookUrl, payload), refusal };
}
