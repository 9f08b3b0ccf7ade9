// Slack incoming webhook: Block Kit blocks (header, text, fields, context) with a plain `text` fallback.
// Blocks and limits: https://docs.slack.dev/reference/block-kit/blocks (header text ≤ 150, section text ≤ 3000,
// ≤ 10 fields of ≤ 2000 each); `text` is what notifications and old clients show.
import type { ConfigOf } from '../channel-types.js';
import type { Notification } from '../notification.js';
import { fieldsOf, footer, headline, type Tone, toneOf, truncate } from './format.js';
import { type HttpOut, jsonPost } from './outbound.js';

const EMOJI: Record<Tone, string> = {
  red: ':red_circle:',
  orange: ':large_orange_circle:',
  blue: ':large_blue_circle:',
  green: ':large_green_circle:',
};

/** Slack's mrkdwn treats only `&`, `<` and `>` as control characters; they are escaped as HTML entities. */
export function escapeSlack(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export function slackPayload(notification: Notification): Record<string, unknown> {
  const blocks: unknown[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncate(`${EMOJI[toneOf(notification)]} ${headline(notification)}`, 150),
        emoji: true,
      },
    },
  ];
  if (notification.text.trim() !== '') {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(escapeSlack(notification.text), 3000) },
    });
  }
  const fields = fieldsOf(notification).slice(0, 10);
  if (fields.length > 0) {
    blocks.push({
      type: 'section',
      fields: fields.map((field) => ({
        type: 'mrkdwn',
        text: truncate(`*${escapeSlack(field.name)}*\n${escapeSlack(field.value)}`, 2000),
      })),
    });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeSlack(footer(notification)) }] });
  return { text: escapeSlack(truncate(`${headline(notification)}\n${notification.text}`, 3000)), blocks };
}

export function renderSlack(notification: Notification, config: ConfigOf<'slack'>): HttpOut {
  // Slack answers 200 `ok`, or a 4xx with a plain-text reason (`invalid_payload`, `no_service`…).
  return jsonPost(config.webhookUrl, slackPayload(notification));
}
