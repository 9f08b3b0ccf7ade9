// The admin CLI's `channels` and `alerts` commands as child processes: channels created with secrets from
// options or stdin that are never printed (a generated signing secret once), a test send delivered by a relay's
// worker and read back from the delivery log, rules built from condition options with errors naming the option,
// and every change audited as the CLI.
import { createHmac } from 'node:crypto';
import { userInfo } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertRuleView } from '../../src/services/control/alert-admin.js';
import type { ChannelView } from '../../src/services/notify/channel-types.js';
import type { DeliveryLogItem } from '../../src/services/notify/delivery-log.js';
import {
  type CliEnv,
  type CliFixture,
  type CliResult,
  createCliFixture,
  runCli,
  runCliJson,
} from '../support/cli.js';
import { type Receiver, startReceiver } from '../support/notify-receiver.js';

const ACTOR = `cli:${userInfo().username}`;

function expectNotPrinted(result: CliResult, secret: string): void {
  expect(result.stdout, 'stdout').not.toContain(secret);
  expect(result.stderr, 'stderr').not.toContain(secret);
}

// Every run is a CLI process compiling the CLI with tsx: over the default timeout on a loaded machine.
describe('admin CLI channels and alerts', { timeout: 90_000 }, () => {
  let fixture: CliFixture;
  let env: CliEnv;
  let receiver: Receiver;

  beforeEach(async () => {
    fixture = await createCliFixture();
    ({ env } = fixture);
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await fixture.cleanup();
    await receiver.close();
  });

  it('creates, lists, shows, updates, tests and deletes channels without printing a secret', async () => {
    // A relay's delivery worker on the CLI's Redis, as a running server would have (the CLI runs no jobs).
    const services = await fixture.servicesLikeCli();
    await services.operator.start();
    const slackPath = '/services/T1/B1/from-stdin';
    const [hook, slack, typoed, badRecipient] = await Promise.all([
      runCli(
        ['channels', 'create', '--kind', 'webhook', '--name', 'hook', '--url', `${receiver.url}/hook`],
        env,
      ),
      runCli(
        ['channels', 'create', '--kind', 'slack', '--name', 'chat', '--webhook-url', '-', '--json'],
        env,
        `${receiver.url}${slackPath}\n`,
      ),
      runCli(
        [
          'channels',
          'create',
          '--kind',
          'slack',
          '--name',
          'x',
          '--webhook-url',
          `${receiver.url}${slackPath}`,
        ].concat(['--url', receiver.url]),
        env,
      ),
      runCli(
        [
          'channels',
          'create',
          '--kind',
          'smtp',
          '--name',
          'mail',
          '--host',
          'mx.example.com',
          '--port',
          '25',
        ].concat(['--from', 'relay@example.com', '--to', 'ops@example.com', '--to', 'nobody']),
        env,
      ),
    ]);
    expect(hook.code).toBe(0);
    expect(hook.stdout).toContain('only time the signing secret is shown');
    const secret = /^\s+(whsec_\S+)$/m.exec(hook.stdout)?.[1] ?? '';
    expect(secret).toMatch(/^whsec_/);
    const hookId = /^Created channel (chn_\S+)$/m.exec(hook.stdout)?.[1] ?? '';
    expect(slack.code).toBe(0);
    expectNotPrinted(slack, slackPath);
    const chat = JSON.parse(slack.stdout) as { channel: ChannelView; signingSecret: string | null };
    expect(chat).toMatchObject({
      signingSecret: null,
      channel: { kind: 'slack', secrets: [{ field: 'webhookUrl', hint: `${receiver.url}/…` }] },
    });
    // Service errors name the option; a repeatable option's value is quoted back.
    expect(typoed).toMatchObject({ code: 1, stderr: expect.stringContaining('url: is not a setting') });
    expect(typoed.stderr).toContain('(--url)');
    expectNotPrinted(typoed, slackPath);
    expect(badRecipient.code).toBe(1);
    expect(badRecipient.stderr).toContain('--to "nobody"');

    const [listed, table, shown, tested] = await Promise.all([
      runCliJson<{ items: ChannelView[] }>(['channels', 'list'], env),
      runCli(['channels', 'list'], env),
      runCli(['channels', 'show', hookId], env),
      runCli(['channels', 'test', hookId, '--wait', '20s'], env),
    ]);
    expect(listed.items.map((channel) => channel.name).sort()).toEqual(['chat', 'hook']);
    expect(table.stdout).toMatch(/hook\s+webhook\s+enabled\s+http:\/\/127\.0\.0\.1/);
    expect(shown.stdout).toContain('signingSecret (…)');
    expect(tested).toMatchObject({ code: 0, stdout: expect.stringMatching(/status:\s+delivered/) });
    for (const result of [table, shown, tested]) {
      expectNotPrinted(result, secret);
      expectNotPrinted(result, slackPath);
    }
    // The receiver checks the signature with the secret the CLI printed once.
    const [request] = await receiver.received(1);
    const signed = `${request?.headers['webhook-id']}.${request?.headers['webhook-timestamp']}.${request?.body}`;
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    expect(request?.headers['webhook-signature']).toBe(
      `v1,${createHmac('sha256', key).update(signed).digest('base64')}`,
    );
    const deliveries = await runCliJson<{ items: DeliveryLogItem[] }>(
      ['channels', 'deliveries', hookId],
      env,
    );
    expect(deliveries.items).toMatchObject([{ status: 'delivered', httpStatus: 200 }]);

    const newPath = '/services/T1/B1/rotated';
    const [updated, nothing] = await Promise.all([
      runCli(
        ['channels', 'update', chat.channel.id, '--name', 'team chat', '--disable', '--webhook-url', '-'],
        env,
        `${receiver.url}${newPath}`,
      ),
      runCli(['channels', 'update', chat.channel.id], env),
    ]);
    expect(updated.code).toBe(0);
    expect(updated.stdout).toMatch(/state:\s+disabled/);
    expectNotPrinted(updated, newPath);
    expect(nothing.code).toBe(2);
    expect((await runCli(['channels', 'delete', chat.channel.id], env)).code).toBe(0);
    const gone = await runCli(['channels', 'show', chat.channel.id], env);
    expect(gone).toMatchObject({ code: 1, stderr: expect.stringContaining('does not exist') });

    const audit = await services.audit.list({ actor: ACTOR });
    expect(audit.items.map((entry) => `${entry.action} ${entry.target}`).sort()).toEqual(
      [
        `channel.create ${hookId}`,
        `channel.create ${chat.channel.id}`,
        `channel.test ${hookId}`,
        `channel.update ${chat.channel.id}`,
        `channel.delete ${chat.channel.id}`,
      ].sort(),
    );
    const recorded = JSON.stringify(audit.items);
    for (const hidden of [secret, slackPath, newPath]) expect(recorded).not.toContain(hidden);
  });

  it('creates, lists, shows, updates and deletes alert rules from condition options', async () => {
    const services = await fixture.servicesLikeCli();
    const channel = await services.control.channels.create(
      { userId: ACTOR, username: ACTOR, role: 'admin' },
      { name: 'hook', kind: 'webhook', url: receiver.url },
    );
    const channelId = channel.channel.id;
    const base = ['alerts', 'create', '--name', 'errors', '--kind', 'error_rate'];
    const [created, tooHigh, wrongKind, missingChannel, history] = await Promise.all([
      runCliJson<AlertRuleView>(
        [...base, '--threshold', '5%', '--window', '10m', '--channel', channelId, '--severity', 'critical'],
        env,
      ),
      runCli([...base, '--threshold', '500%'], env),
      runCli([...base, '--threshold', '0.1', '--percent', '50'], env),
      runCli([...base, '--threshold', '0.1', '--channel', channelId, '--channel', 'chn_missing'], env),
      runCli(['alerts', 'history'], env),
    ]);
    expect(created).toMatchObject({
      name: 'errors',
      severity: 'critical',
      channelIds: [channelId],
      condition: { kind: 'error_rate', threshold: 0.05, windowMs: 600_000, scope: 'global', minRequests: 20 },
      firing: [],
    });
    expect(tooHigh.code).toBe(1);
    expect(tooHigh.stderr).toContain('condition.threshold');
    expect(tooHigh.stderr).toContain('(--threshold)');
    expect(wrongKind.code).toBe(2);
    expect(wrongKind.stderr).toContain('--percent is only for key_limit rules');
    expect(missingChannel.code).toBe(1);
    expect(missingChannel.stderr).toContain('--channel "chn_missing"');
    expect(history).toMatchObject({ code: 0, stdout: expect.stringContaining('No alerts yet.') });

    const [listed, shown, nothing] = await Promise.all([
      runCli(['alerts', 'list'], env),
      runCli(['alerts', 'show', created.id], env),
      runCli(['alerts', 'update', created.id], env),
    ]);
    expect(listed.stdout).toMatch(
      /errors\s+error_rate\s+critical\s+enabled\s+0\s+errors ≥ 5% of all traffic over 10m/,
    );
    expect(shown.stdout).toContain('Not firing.');
    expect(nothing.code).toBe(2);
    const tightened = await runCliJson<AlertRuleView>(
      ['alerts', 'update', created.id, '--threshold', '0.2', '--disable'],
      env,
    );
    // Condition options change the condition; what was not given stays.
    expect(tightened).toMatchObject({ enabled: false, condition: { threshold: 0.2, windowMs: 600_000 } });
    const leak = await runCliJson<AlertRuleView>(['alerts', 'update', created.id, '--kind', 'leak'], env);
    expect(leak.condition).toEqual({ kind: 'leak' });
    expect((await runCli(['alerts', 'delete', created.id], env)).code).toBe(0);
    expect((await runCli(['alerts', 'show', created.id], env)).code).toBe(1);

    const audit = await services.audit.list({ actor: ACTOR, target: created.id });
    expect(audit.items.map((entry) => entry.action)).toEqual([
      'alert_rule.delete',
      'alert_rule.update',
      'alert_rule.update',
      'alert_rule.create',
    ]);
  });
});
