// WeCom (企业微信) group robot: a markdown message, its headline coloured with the robot's three font colours.
// https://developer.work.weixin.qq.com/document/path/91770 (msgtype `markdown`, `content` ≤ 4096 bytes UTF-8;
// `<font color="info|comment|warning">` are green, grey and orange-red).
import type { ConfigOf } from '../channel-types.js';
import type { Notification } from '../notification.js';
import { fieldsOf, footer, headline, type Tone, toneOf, truncateBytes } from './format.js';
import { answerField, type HttpOut, jsonPost } from './outbound.js';

const FONT: Record<Tone, string> = { red: 'warning', orange: 'warning', blue: 'comment', green: 'info' };

export function wecomMarkdown(notification: Notification): string {
  const lines = [`## <font color="${FONT[toneOf(notification)]}">${headline(notification)}</font>`];
  if (notification.text.trim() !== '') lines.push(notification.text);
  for (const field of fieldsOf(notification)) lines.push(`> **${field.name}**: ${field.value}`);
  lines.push(`<font color="comment">${footer(notification)}</font>`);
  return truncateBytes(lines.join('\n'), 4096);
}

/** WeCom answers 200 with `{errcode: 0}`, or a non-zero `errcode` (93000: invalid webhook key). */
function refusal(body: string): string | undefined {
  const code = answerField(body, 'errcode');
  if (code === undefined || code === 0) return undefined;
  const message = answerField(body, 'errmsg');
  return `WeCom refused the message (errcode ${String(code)}${typeof message === 'string' ? `: ${message}` : ''})`;
}

export function renderWecom(notification: Notification, config: ConfigOf<'wecom'>): HttpOut {
  const payload = { msgtype: 'markdown', markdown: { content: wecomMarkdown(notification) } };
  return { ...jsonPost(config.webhookUrl, payload), refusal };
}
