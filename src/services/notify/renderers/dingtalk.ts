// DingTalk group robot: a markdown message; optionally signed in the URL's query.
// Message types: https://open.dingtalk.com/document/orgapp/custom-robot-access (msgtype `markdown` with
// `title`, shown in previews, and `text`). Signing (加签), same page: sign = urlencode(base64(HMAC-SHA256 keyed
// with the secret over `${timestamp}\n${secret}`)), `timestamp` in ms, both appended to the webhook URL.
import { createHmac } from 'node:crypto';
import type { ConfigOf } from '../channel-types.js';
import type { Notification } from '../notification.js';
import { fieldsOf, footer, headline, truncate } from './format.js';
import { answerField, type HttpOut, jsonPost, type RenderContext } from './outbound.js';

/** The base64 signature; URLSearchParams applies the URL encoding when it is appended. */
export function dingtalkSign(timestamp: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}

export function dingtalkMarkdown(notification: Notification): { title: string; text: string } {
  const lines = [`### ${headline(notification)}`, ''];
  if (notification.text.trim() !== '') lines.push(notification.text.replaceAll('\n', '  \n'), '');
  for (const field of fieldsOf(notification)) lines.push(`- **${field.name}**: ${field.value}`);
  lines.push('', `> ${footer(notification)}`);
  return { title: truncate(headline(notification), 100), text: truncate(lines.join('\n'), 5000) };
}

/** DingTalk answers 200 with `{errcode: 0}`, or a non-zero `errcode` (310000: signature or keyword check). */
function refusal(body: string): string | undefined {
  const code = answerField(body, 'errcode');
  if (code === undefined || code === 0) return undefined;
  const message = answerField(body, 'errmsg');
  return `DingTalk refused the message (errcode ${String(code)}${typeof message === 'string' ? `: ${message}` : ''})`;
}

export function renderDingtalk(
  notification: Notification,
  config: ConfigOf<'dingtalk'>,
  context: RenderContext,
): HttpOut {
  const url = new URL(config.webhookUrl);
  if (config.signingSecret !== undefined) {
    url.searchParams.set('timestamp', String(context.now));
    url.searchParams.set('sign', dingtalkSign(context.now, config.signingSecret));
  }
  const payload = { msgtype: 'markdown', markdown: dingtalkMarkdown(notification) };
  return { ...jsonPost(url.toString(), payload), refusal };
}
