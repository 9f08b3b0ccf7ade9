// Alerts end to end on two instances sharing Redis: an account going auth_failed reaches a signed generic
// webhook and a Slack-shaped message within 2 s, once each (not once per instance); a receiver that fails three
// times gets exactly one successful delivery; the account's recovery is announced as resolved.
import { createHmac } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { type Receiver, startReceiver } from '../support/notify-receiver.js';
import { createClaudeAccount, createKey, startTestRelay, type TestRelay } from '../support/relay.js';

const SECRET = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;

/** The Standard Webhooks signature of a delivery, computed here from the spec, not by the relay's code. */
function signatureOf(id: string, timestamp: string, body: string): string {
  const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

describe('alert notifications across instances', () => {
  let upstream: FakeUpstream;
  let first: TestRelay;
  let second: TestRelay;
  let webhook: Receiver;
  let slack: Receiver;
  let flaky: Receiver;
  let accountId: string;
  let client: Anthropic;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    webhook = await startReceiver();
    slack = await startReceiver();
    // Fails three times, then takes it.
    flaky = await startReceiver((index) => (index < 3 ? { status: 500, body: 'down' } : { status: 200 }));
    const env = { NOTIFY_RETRY_BASE_MS: '20', ALERT_EVAL_INTERVAL_MS: '200' };
    first = await startTestRelay({ env });
    second = await startTestRelay({ env, prefix: first.prefix });
    accountId = (await createClaudeAccount(first, upstream.url, { name: 'main' })).id;
    const channels = first.server.services.operator.channels;
    const channelIds = [
      (
        await channels.create({
          name: 'hook',
          kind: 'webhook',
          url: `${webhook.url}/hook`,
          signingSecret: SECRET,
        })
      ).channel.id,
      (await channels.create({ name: 'slack', kind: 'slack', webhookUrl: `${slack.url}/services/T1/B1/x` }))
        .channel.id,
      (await channels.create({ name: 'flaky', kind: 'webhook', url: `${flaky.url}/hook` })).channel.id,
    ];
    await first.server.services.operator.alertRules.create({
      name: 'account down',
      severity: 'critical',
      condition: { kind: 'account_state', states: ['auth_failed'] },
      channelIds,
    });
    // Each instance loads a new rule on its pub/sub notice, which on a cluster may come after the account's
    // state change (another channel, through another node): an event before that is not seen by the rule.
    await Promise.all([
      first.server.services.operator.alerts.reload(),
      second.server.services.operator.alerts.reload(),
    ]);
    client = new Anthropic({
      apiKey: (await createKey(first)).plaintext,
      baseURL: second.url,
      maxRetries: 0,
    });
  });
  afterAll(async () => {
    await first.stop();
    await second.stop();
    await Promise.all([upstream.close(), webhook.close(), slack.close(), flaky.close()]);
  });

  /** Waits until both instances have no delivery left to make, then runs both evaluators once more. */
  async function quiet(): Promise<void> {
    const due = () =>
      first.server.services.context.redis.zcard(first.server.services.context.keys.notifyDue());
    await expect.poll(due, { timeout: 10_000, interval: 50 }).toBe(0);
    await Promise.all([
      first.server.services.operator.alerts.tick(),
      second.server.services.operator.alerts.tick(),
    ]);
  }

  it('announces auth_failed once, signed, within 2 s, and its recovery', async () => {
    upstream.setDefault({
      status: 401,
      errorType: 'authentication_error',
      errorMessage: 'invalid x-api-key',
    });
    await expect(
      client.messages.create({
        model: 'claude-haiku-4-5',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    ).rejects.toMatchObject({ status: 502 });
    const failedAt = Date.now();
    const [hooked] = await webhook.received(1);
    const [slacked] = await slack.received(1);
    expect(Date.now() - failedAt).toBeLessThan(2000);

    // The generic webhook, signed per Standard Webhooks.
    const id = String(hooked?.headers['webhook-id']);
    const timestamp = String(hooked?.headers['webhook-timestamp']);
    expect(hooked?.headers['webhook-signature']).toBe(signatureOf(id, timestamp, hooked?.body ?? ''));
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(30);
    expect(hooked?.json()).toMatchObject({
      type: 'alert.firing',
      data: {
        type: 'alert.firing',
        severity: 'critical',
        rule: { name: 'account down' },
        subject: { kind: 'account', id: accountId },
        facts: { state: 'auth_failed' },
      },
    });
    // Slack's incoming-webhook shape: a fallback text and Block Kit blocks.
    const message = slacked?.json() as { text: string; blocks: unknown[] };
    expect(message.text).toContain('auth_failed');
    expect(message.blocks.length).toBeGreaterThan(0);

    // The receiver that failed three times got it on the fourth try, and only once successfully.
    await flaky.received(4);
    await quiet();
    expect(webhook.requests).toHaveLength(1);
    expect(slack.requests).toHaveLength(1);
    expect(flaky.requests).toHaveLength(4);
    const history = await first.server.services.operator.alertFiring.history(10);
    expect(history.items.map((event) => event.state)).toEqual(['firing']);

    // An operator resets the account: the rule announces the recovery, once.
    upstream.setDefault({});
    await first.server.services.health.reset(accountId, 'claude');
    const [, resolved] = await webhook.received(2);
    expect(resolved?.json()).toMatchObject({ type: 'alert.resolved', data: { subject: { id: accountId } } });
    await slack.received(2);
    await quiet();
    expect(webhook.requests).toHaveLength(2);
    expect(slack.requests).toHaveLength(2);
  });
});
