// The Slack renderer: Block Kit shape within Slack's limits, a text fallback, and mrkdwn control characters escaped.
import { describe, expect, it } from 'vitest';
import { escapeSlack, renderSlack, slackPayload } from '../../src/services/notify/renderers/slack.js';
import { sampleNotification } from '../support/notify-fixtures.js';

interface Block {
  type: string;
  text?: { type: string; text: string };
  fields?: Array<{ type: string; text: string }>;
  elements?: Array<{ type: string; text: string }>;
}

describe('slack renderer', () => {
  it('sends a header, the text, the facts as fields and a context line, with a text fallback', () => {
    const out = renderSlack(sampleNotification(), {
      kind: 'slack',
      webhookUrl: 'https://hooks.slack.com/services/T0/B0/x',
    });
    expect(out.url).toBe('https://hooks.slack.com/services/T0/B0/x');
    const payload = JSON.parse(out.body) as { text: string; blocks: Block[] };
    expect(payload.text).toContain('[Critical] Firing: Error rate above 5% on account main');
    expect(payload.blocks.map((block) => block.type)).toEqual(['header', 'section', 'section', 'context']);
    const [header, text, fields] = payload.blocks;
    expect(header?.text).toMatchObject({ type: 'plain_text' });
    expect(header?.text?.text).toContain('Error rate above 5%');
    expect(text?.text).toMatchObject({ type: 'mrkdwn' });
    expect(text?.text?.text).toContain('12.5%');
    expect(fields?.fields?.map((field) => field.text)).toEqual([
      '*Rule*\nHigh error rate',
      '*Account*\nmain (acc_1)',
      '*value*\n12.5%',
      '*threshold*\n5%',
      '*window*\n5m',
      '*requests*\n48',
    ]);
  });

  it("stays within Slack's limits: header ≤ 150 characters, at most 10 fields", () => {
    const facts = Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`fact${index}`, index]));
    const payload = slackPayload(sampleNotification({ title: 'x'.repeat(400), facts })) as {
      blocks: Block[];
    };
    expect(Array.from(payload.blocks[0]?.text?.text ?? '').length).toBeLessThanOrEqual(150);
    expect(payload.blocks[2]?.fields).toHaveLength(10);
  });

  it('escapes &, < and > so alert text cannot mention or link', () => {
    expect(escapeSlack('<!channel> & <https://x|y>')).toBe('&lt;!channel&gt; &amp; &lt;https://x|y&gt;');
    const payload = slackPayload(sampleNotification({ text: 'ping <!here>' })) as { blocks: Block[] };
    expect(payload.blocks[1]?.text?.text).toBe('ping &lt;!here&gt;');
  });

  it('leaves out the text section when there is no text', () => {
    const payload = slackPayload(sampleNotification({ text: '' })) as { blocks: Block[] };
    expect(payload.blocks.map((block) => block.type)).toEqual(['header', 'section', 'context']);
  });
});
