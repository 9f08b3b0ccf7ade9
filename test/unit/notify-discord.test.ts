// The Discord renderer: one embed coloured by severity (green once resolved), facts as inline fields, mentions off.
import { describe, expect, it } from 'vitest';
import {
  DISCORD_COLOURS,
  discordPayload,
  renderDiscord,
} from '../../src/services/notify/renderers/discord.js';
import { sampleNotification } from '../support/notify-fixtures.js';

interface Embed {
  title: string;
  description?: string;
  color: number;
  timestamp: string;
  fields: Array<{ name: string; value: string; inline: boolean }>;
}

describe('discord renderer', () => {
  it('sends one embed with title, description, colour, timestamp and inline fields', () => {
    const out = renderDiscord(sampleNotification(), {
      kind: 'discord',
      webhookUrl: 'https://discord.com/api/webhooks/1/abc',
    });
    const payload = JSON.parse(out.body) as { embeds: Embed[]; allowed_mentions: { parse: string[] } };
    expect(payload.embeds).toHaveLength(1);
    const [embed] = payload.embeds;
    expect(embed?.title).toBe('[Critical] Firing: Error rate above 5% on account main');
    expect(embed?.description).toContain('12.5%');
    expect(embed?.color).toBe(0xed4245);
    expect(embed?.timestamp).toBe('2026-01-02T03:04:05.000Z');
    expect(embed?.fields[0]).toEqual({ name: 'Rule', value: 'High error rate', inline: true });
    expect(payload.allowed_mentions).toEqual({ parse: [] });
  });

  it('colours by severity, and green when resolved', () => {
    const colour = (overrides: Parameters<typeof sampleNotification>[0]) =>
      (discordPayload(sampleNotification(overrides)) as { embeds: Embed[] }).embeds[0]?.color;
    expect(colour({ severity: 'warning' })).toBe(DISCORD_COLOURS.orange);
    expect(colour({ severity: 'info' })).toBe(DISCORD_COLOURS.blue);
    expect(colour({ type: 'alert.resolved' })).toBe(DISCORD_COLOURS.green);
  });

  it('keeps to the embed limits and never sends an empty field value', () => {
    const facts = Object.fromEntries(
      Array.from({ length: 40 }, (_, index) => [`f${index}`, index === 0 ? '' : 'v'.repeat(2000)]),
    );
    const embed = (
      discordPayload(sampleNotification({ title: 't'.repeat(500), facts })) as { embeds: Embed[] }
    ).embeds[0];
    expect(Array.from(embed?.title ?? '').length).toBeLessThanOrEqual(256);
    expect(embed?.fields).toHaveLength(25);
    for (const field of embed?.fields ?? []) {
      expect(field.value.length).toBeGreaterThan(0);
      expect(field.value.length).toBeLessThanOrEqual(1024);
    }
  });
});
