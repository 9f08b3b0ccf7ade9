// The `channels` and `alerts` routers over real HTTP through the typed client: validation answers BAD_REQUEST
// naming the field (from the input schema or the service), roles are the control plane's (viewers read, members
// see nothing, operators change), secrets are never read back, and a test send arrives and is logged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayTrpcClient, type RelayTrpcClient } from '../../clients/trpc.js';
import { type Receiver, startReceiver } from '../support/notify-receiver.js';
import { startTestRelay, type TestRelay } from '../support/relay.js';
import { refusal } from '../support/trpc.js';

const PASSWORD = 'a long enough password';
const SLACK_PATH = '/services/T000/B000/secret-path';

describe('tRPC channels and alerts', () => {
  let relay: TestRelay;
  let receiver: Receiver;
  const clients = {} as Record<'admin' | 'operator' | 'viewer' | 'member', RelayTrpcClient>;
  const ids = { operator: '' };

  beforeAll(async () => {
    receiver = await startReceiver();
    relay = await startTestRelay();
    const tokens: Record<string, string> = {};
    for (const role of ['admin', 'operator', 'viewer', 'member'] as const) {
      clients[role] = createRelayTrpcClient(relay.url, () => ({ authorization: `Bearer ${tokens[role]}` }));
    }
    const anonymous = createRelayTrpcClient(relay.url);
    tokens.admin = (
      await anonymous.auth.login.mutate({ username: 'admin', password: 'test admin password' })
    ).accessToken;
    for (const role of ['operator', 'viewer', 'member'] as const) {
      const user = await clients.admin.users.create.mutate({ username: role, password: PASSWORD, role });
      if (role === 'operator') ids.operator = user.id;
      tokens[role] = (await anonymous.auth.login.mutate({ username: role, password: PASSWORD })).accessToken;
    }
  });
  afterAll(async () => {
    await relay.stop();
    await receiver.close();
  });

  const actionsOn = async (target: string) =>
    (await clients.admin.audit.list.query({ target })).items.map((entry) => [entry.action, entry.actor]);

  it('validates channel input naming the setting, and applies the roles', async () => {
    const { operator, viewer, member } = clients;
    const cases: Array<[string, () => Promise<unknown>]> = [
      [
        'webhookUrl',
        () => operator.channels.create.mutate({ name: 'chat', kind: 'slack', webhookUrl: 'nope' }),
      ],
      [
        'url',
        () => {
          const discord = { name: 'chat', kind: 'discord', webhookUrl: receiver.url, url: 'x' } as const;
          // A setting of another kind: the types refuse it only in a fresh literal, the service always.
          return operator.channels.create.mutate(discord);
        },
      ],
      // @ts-expect-error an unknown kind is refused by the types too
      ['kind', () => operator.channels.create.mutate({ name: 'pager', kind: 'pager' })],
      ['name', () => operator.channels.create.mutate({ name: '', kind: 'wecom', webhookUrl: receiver.url })],
      ['id', () => operator.channels.get.query({ id: '' })],
      ['limit', () => viewer.channels.deliveries.query({ channelId: 'chn_x', limit: 0 })],
      ['cursor', () => viewer.channels.list.query({ cursor: '' })],
    ];
    for (const [field, call] of cases) {
      expect({ field, refusal: await refusal(call()) }).toMatchObject({
        field,
        refusal: { code: 'BAD_REQUEST', appCode: 'INVALID_REQUEST', field },
      });
    }

    const slack = await operator.channels.create.mutate({
      name: 'team chat',
      kind: 'slack',
      webhookUrl: `${receiver.url}${SLACK_PATH}`,
    });
    expect(slack.signingSecret).toBeUndefined();
    expect(slack.channel.secrets).toEqual([{ field: 'webhookUrl', hint: `${receiver.url}/…` }]);
    const { id } = slack.channel;
    const refused = await Promise.all([
      refusal(viewer.channels.create.mutate({ name: 'x', kind: 'wecom', webhookUrl: receiver.url })),
      refusal(viewer.channels.update.mutate({ id, enabled: false })),
      refusal(viewer.channels.delete.mutate({ id })),
      refusal(viewer.channels.test.mutate({ id })),
      refusal(member.channels.list.query()),
      refusal(member.channels.deliveries.query({ channelId: id })),
    ]);
    expect(refused.map((error) => error.code)).toEqual(Array(6).fill('FORBIDDEN'));
    const read = await viewer.channels.get.query({ id });
    expect(read).toEqual(slack.channel);
    expect(JSON.stringify(await viewer.channels.list.query())).not.toContain(SLACK_PATH);
    expect(await actionsOn(id)).toEqual([['channel.create', ids.operator]]);
  });

  it('returns a generated signing secret once, delivers a test send and logs it', async () => {
    const { operator, viewer } = clients;
    const created = await operator.channels.create.mutate({
      name: 'hook',
      kind: 'webhook',
      url: receiver.url,
    });
    expect(created.signingSecret).toMatch(/^whsec_/);
    const { id } = created.channel;
    expect(JSON.stringify(await viewer.channels.get.query({ id }))).not.toContain(created.signingSecret);

    const before = receiver.requests.length;
    const { deliveryId } = await operator.channels.test.mutate({ id });
    await receiver.received(before + 1);
    await expect
      .poll(async () => (await viewer.channels.delivery.query({ id: deliveryId }))?.status, {
        timeout: 5_000,
      })
      .toBe('delivered');
    const { items } = await viewer.channels.deliveries.query({ channelId: id });
    expect(items).toMatchObject([{ deliveryId, status: 'delivered', httpStatus: 200, attempt: 1 }]);
    expect(await viewer.channels.delivery.query({ id: 'dlv_unknown' })).toBeNull();

    const updated = await operator.channels.update.mutate({ id, name: 'renamed hook', enabled: false });
    expect(updated).toMatchObject({ name: 'renamed hook', enabled: false, settings: { url: receiver.url } });
    expect(await refusal(operator.channels.update.mutate({ id, signingSecret: null }))).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'signingSecret',
    });
    expect(await operator.channels.delete.mutate({ id })).toBe(true);
    expect(await refusal(viewer.channels.get.query({ id }))).toMatchObject({ code: 'NOT_FOUND' });
    expect((await actionsOn(id)).map(([action]) => action)).toEqual([
      'channel.delete',
      'channel.update',
      'channel.test',
      'channel.create',
    ]);
  });

  it('validates alert rules naming the field, applies the roles, and round-trips a rule', async () => {
    const { operator, viewer, member } = clients;
    const threshold = (value: number) => ({ kind: 'error_rate' as const, threshold: value });
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['condition.threshold', () => operator.alerts.create.mutate({ name: 'r', condition: threshold(5) })],
      [
        'channelIds.0',
        () =>
          operator.alerts.create.mutate({ name: 'r', condition: threshold(0.1), channelIds: ['chn_none'] }),
      ],
      ['name', () => operator.alerts.create.mutate({ name: ' ', condition: { kind: 'leak' } })],
      ['cooldownMs', () => operator.alerts.update.mutate({ id: 'alr_x', cooldownMs: 1 })],
      ['cursor', () => viewer.alerts.history.query({ cursor: 'not-a-cursor' })],
    ];
    for (const [field, call] of cases) {
      expect({ field, refusal: await refusal(call()) }).toMatchObject({
        field,
        refusal: { code: 'BAD_REQUEST', appCode: 'INVALID_REQUEST', field },
      });
    }
    const refused = await Promise.all([
      refusal(viewer.alerts.create.mutate({ name: 'r', condition: { kind: 'leak' } })),
      refusal(member.alerts.list.query()),
      refusal(member.alerts.history.query()),
    ]);
    expect(refused.map((error) => error.code)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);

    const rule = await operator.alerts.create.mutate({
      name: 'keys near their limits',
      condition: { kind: 'key_limit', percent: 80 },
      severity: 'info',
    });
    expect(rule).toMatchObject({
      enabled: true,
      severity: 'info',
      channelIds: [],
      cooldownMs: 900_000,
      condition: { kind: 'key_limit', percent: 80 },
      firing: [],
    });
    expect(await viewer.alerts.get.query({ id: rule.id })).toEqual(rule);
    expect((await viewer.alerts.list.query()).items).toEqual([rule]);
    expect(await viewer.alerts.history.query()).toEqual({ items: [] });
    const updated = await operator.alerts.update.mutate({ id: rule.id, condition: { kind: 'leak' } });
    expect(updated.condition).toEqual({ kind: 'leak' });
    expect(await refusal(viewer.alerts.delete.mutate({ id: rule.id }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await operator.alerts.delete.mutate({ id: rule.id })).toBe(true);
    expect(await actionsOn(rule.id)).toEqual([
      ['alert_rule.delete', ids.operator],
      ['alert_rule.update', ids.operator],
      ['alert_rule.create', ids.operator],
    ]);
  });
});
