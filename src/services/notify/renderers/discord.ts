// Discord webhook: one embed coloured by severity, with the facts as inline fields; mentions disabled.
// Execute Webhook and embed limits: https://discord.com/developers/docs/resources/webhook#execute-webhook and
// .../resources/message#embed-object-embed-limits (title 256, description 4096, 25 fields: name 256, value 1024).
import type { ConfigOf } from '../channel-types.js';
import type { Notification } from '../notification.js';
import { fieldsOf, footer, headline, type Tone, toneOf, truncate } from './format.js';
import { type HttpOut, jsonPost } from './outbound.js';

/** Discord's own palette (red, yellow, blurple, green) as the integers embeds take. */
export const DISCORD_COLOURS: Record<Tone, number> = {
  red: 0xed4245,
  orange: 0xfee75c,
  blue: 0x5865f2,
  green: 0x57f287,
};

export function discordPayload(notification: Notification): Record<string, unknown> {
  const embed: Record<string, unknown> = {
    title: truncate(headline(notification), 256),
    color: DISCORD_COLOURS[toneOf(notification)],
    timestamp: new Date(notification.at).toISOString(),
    footer: { text: truncate(footer(notification), 2048) },
    fields: fieldsOf(notification)
      .slice(0, 25)
      .map((field) => ({
        name: truncate(field.name, 256),
        // Discord refuses empty field values.
        value: truncate(field.value, 1024) || '—',
        inline: true,
      })),
  };
  if (notification.text.trim() !== '') embed.description = truncate(notification.text, 4096);
  // Alert text may contain `@everyone` or role mentions; nothing a relay says should ping a server.
  return { embeds: [embed], allowed_mentions: { parse: [] } };
}

export function renderDiscord(notification: Notification, config: ConfigOf<'discord'>): HttpOut {
  // Discord answers 204 without `?wait=true`, and 4xx with a JSON `message` when it refuses.
  return jsonPost(config.webhookUrl, discordPayload(notification));
}
