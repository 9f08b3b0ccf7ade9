// Notification channels and alert rules through the generated GraphQL client over real HTTP: a webhook channel's
// generated signing secret is shown once and never read back (nor audited), a test send reaches a loopback
// receiver signed with it and is logged as delivered, bad rules are refused naming the field, a valid rule
// round-trips, and every change is audited under its actor.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AlertHistoryDocument,
  AlertRuleDocument,
  AlertRulesDocument,
  CreateAlertRuleDocument,
  type CreateAlertRuleInput,
  CreateNotificationChannelDocument,
  type CreateNotificationChannelInput,
  DeleteAlertRuleDocument,
  DeleteNotificationChannelDocument,
  NotificationChannelDocument,
  NotificationChannelsDocument,
  NotificationDeliveriesDocument,
  NotificationDeliveryDocument,
  TestNotificationChannelDocument,
  UpdateAlertRuleDocument,
  UpdateNotificationChannelDocument,
} from '../../clients/generated/graphql/graphql.js';
import {
  createRelayGraphQLClient,
  type RelayGraphQLClient,
  RelayGraphQLError,
} from '../../clients/graphql-client.js';
import { type SignedInUser, signedInUser } from '../support/graphql.js';
import { type Receiver, startReceiver } from '../support/notify-receiver.js';
import { startTestRelay, type TestRelay } from '../support/relay.js';

/** The error a request ends in; fails the test when it succeeds. */
async function refused(request: Promise<unknown>): Promise<{ code?: string; field?: string }> {
  try {
    await request;
  } catch (error) {
    if (error instanceof RelayGraphQLError) return { code: error.code, field: error.field };
    throw error;
  }
  throw new Error('expected the request to be refused');
}

/** The Standard Webhooks signature, computed here from the spec rather than by the relay's code. */
function signatureOf(secret: string, id: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

describe('notification channels and alert rules over GraphQL', () => {
  let relay: TestRelay;
  let receiver: Receiver;
  let operatorUser: SignedInUser;
  let operator: RelayGraphQLClient;
  let viewer: RelayGraphQLClient;
  /** The webhook channel the tests share, and the signing secret its creation returned. */
  const hook = { id: '', secret: '' };

  const clientOf = (user: SignedInUser) =>
    createRelayGraphQLClient(relay.url, () => ({ authorization: `Bearer ${user.token}` }));
  const auditOf = async (target: string) => (await relay.server.services.audit.list({ target })).items;

  beforeAll(async () => {
    receiver = await startReceiver();
    relay = await startTestRelay();
    operatorUser = await signedInUser(relay, 'olga', 'operator');
    operator = clientOf(operatorUser);
    viewer = clientOf(await signedInUser(relay, 'victor', 'viewer'));
  });
  afterAll(async () => {
    await relay.stop();
    await receiver.close();
  });

  it('shows a generated signing secret once: never in reads or the audit log', async () => {
    const { createNotificationChannel: created } = await operator.request(CreateNotificationChannelDocument, {
      // On create a null is "not given": the secret is still generated.
      input: { name: 'ops hook', kind: 'webhook', url: `${receiver.url}/hook`, signingSecret: null },
    });
    expect(created.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    hook.id = created.channel.id;
    hook.secret = created.signingSecret ?? '';
    expect(created.channel).toMatchObject({
      name: 'ops hook',
      kind: 'webhook',
      enabled: true,
      settings: { url: `${receiver.url}/hook`, chatId: null, port: null, to: null },
      secrets: [{ field: 'signingSecret', hint: '…' }],
      hasSecret: true,
    });

    const [one, all] = await Promise.all([
      viewer.request(NotificationChannelDocument, { id: hook.id }),
      viewer.request(NotificationChannelsDocument, {}),
    ]);
    expect(one.notificationChannel).toEqual(created.channel);
    expect(all.notificationChannels.nodes.map((channel) => channel.id)).toEqual([hook.id]);
    const audit = await auditOf(hook.id);
    expect(audit.map((entry) => [entry.action, entry.actor])).toEqual([['channel.create', operatorUser.id]]);
    for (const shown of [one, all, audit]) expect(JSON.stringify(shown)).not.toContain(hook.secret);

    // A secret given is kept, not generated, and not returned either.
    const given = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
    const own = await operator.request(CreateNotificationChannelDocument, {
      input: { name: 'own secret', kind: 'webhook', url: `${receiver.url}/own`, signingSecret: given },
    });
    expect(own.createNotificationChannel.signingSecret).toBeNull();
    expect(JSON.stringify(own)).not.toContain(given);
    await operator.request(DeleteNotificationChannelDocument, {
      id: own.createNotificationChannel.channel.id,
    });
  });

  it('refuses channel settings naming the setting, and viewers any change', async () => {
    const create = (input: CreateNotificationChannelInput) =>
      operator.request(CreateNotificationChannelDocument, { input });
    const cases: Array<[string, CreateNotificationChannelInput]> = [
      ['url', { name: 'no url', kind: 'webhook' }],
      ['url', { name: 'ftp', kind: 'webhook', url: 'ftp://example.test/hook' }],
      [
        'signingSecret',
        { name: 'weak', kind: 'webhook', url: receiver.url, signingSecret: 'whsec_c2hvcnQ=' },
      ],
      ['webhookUrl', { name: 'chat', kind: 'slack' }],
      // A setting of another kind is refused by name rather than dropped.
      ['url', { name: 'chat', kind: 'slack', webhookUrl: 'https://hooks.example/x', url: receiver.url }],
      [
        'to.1',
        {
          name: 'mail',
          kind: 'smtp',
          host: 'mx',
          port: 25,
          from: 'a@example.com',
          to: ['b@example.com', 'nope'],
        },
      ],
    ];
    for (const [field, input] of cases) {
      expect({ field, error: await refused(create(input)) }).toEqual({
        field,
        error: { code: 'INVALID_REQUEST', field },
      });
    }
    expect(
      await refused(
        viewer.request(CreateNotificationChannelDocument, {
          input: { name: 'sneaky', kind: 'webhook', url: `${receiver.url}/x` },
        }),
      ),
    ).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(await refused(viewer.request(TestNotificationChannelDocument, { id: hook.id }))).toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    expect(
      (await operator.request(NotificationChannelsDocument, {})).notificationChannels.nodes,
    ).toHaveLength(1);
  });

  it('delivers a test send to a loopback receiver, signed, and logs it as delivered', async () => {
    const { testNotificationChannel } = await operator.request(TestNotificationChannelDocument, {
      id: hook.id,
    });
    const { deliveryId } = testNotificationChannel;
    const [request] = await receiver.received(1);
    const id = String(request?.headers['webhook-id']);
    const timestamp = String(request?.headers['webhook-timestamp']);
    expect(request?.headers['webhook-signature']).toBe(
      signatureOf(hook.secret, id, timestamp, request?.body ?? ''),
    );
    expect(request?.json()).toMatchObject({ type: 'channel.test' });

    const deliveries = () => viewer.request(NotificationDeliveriesDocument, { channelId: hook.id });
    await expect
      .poll(async () => (await deliveries()).notificationDeliveries.nodes[0]?.status, { timeout: 5_000 })
      .toBe('delivered');
    const [attempt] = (await deliveries()).notificationDeliveries.nodes;
    expect(attempt).toMatchObject({
      deliveryId,
      attempt: 1,
      httpStatus: 200,
      error: null,
      notification: { type: 'channel.test', severity: 'info' },
    });
    const { notificationDelivery } = await viewer.request(NotificationDeliveryDocument, { id: deliveryId });
    expect(notificationDelivery).toMatchObject({ id: deliveryId, channelId: hook.id, status: 'delivered' });
    expect(
      (await viewer.request(NotificationDeliveryDocument, { id: 'dlv_gone' })).notificationDelivery,
    ).toBeNull();
    expect(
      await refused(viewer.request(NotificationDeliveriesDocument, { channelId: hook.id, after: 'page-2' })),
    ).toEqual({ code: 'INVALID_REQUEST', field: 'after' });
    expect((await auditOf(hook.id)).map((entry) => entry.action)).toEqual(['channel.test', 'channel.create']);
  });

  const rule = (overrides: Partial<CreateAlertRuleInput> = {}): CreateAlertRuleInput => ({
    name: 'upstream errors',
    condition: { errorRate: { threshold: 0.05 } },
    channelIds: [hook.id],
    ...overrides,
  });

  it('refuses a bad condition naming its field, and a channel that does not exist by its index', async () => {
    const create = (input: CreateAlertRuleInput) => operator.request(CreateAlertRuleDocument, { input });
    const cases: Array<[string, CreateAlertRuleInput]> = [
      ['condition.threshold', rule({ condition: { errorRate: { threshold: 5 } } })],
      ['condition.scope', rule({ condition: { errorRate: { threshold: 0.5, scope: 'key' } } })],
      ['condition.windowMs', rule({ condition: { latencyP95: { thresholdMs: 2_000, windowMs: 10 } } })],
      ['condition.percent', rule({ condition: { keyLimit: { percent: 0 } } })],
      ['condition.leak', rule({ condition: { leak: false } })],
      ['channelIds.0', rule({ channelIds: ['chn_missing'] })],
      ['channelIds.1', rule({ channelIds: [hook.id, 'chn_missing'] })],
      ['cooldownMs', rule({ cooldownMs: 5 })],
    ];
    for (const [field, input] of cases) {
      expect({ field, error: await refused(create(input)) }).toEqual({
        field,
        error: { code: 'INVALID_REQUEST', field },
      });
    }
    // Two kinds at once break @oneOf: refused before any resolver runs.
    const both = {
      errorRate: { threshold: 0.5 },
      leak: true,
    } as unknown as CreateAlertRuleInput['condition'];
    expect(await refused(create(rule({ condition: both })))).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((await viewer.request(AlertRulesDocument, {})).alertRules.nodes).toEqual([]);
  });

  it('round-trips a valid rule, keeps the history empty, and audits update and delete', async () => {
    const { createAlertRule: created } = await operator.request(CreateAlertRuleDocument, {
      input: rule({ severity: 'critical', cooldownMs: 120_000 }),
    });
    expect(created).toMatchObject({
      name: 'upstream errors',
      enabled: true,
      severity: 'critical',
      cooldownMs: 120_000,
      channelIds: [hook.id],
      condition: {
        kind: 'error_rate',
        threshold: 0.05,
        scope: 'global',
        subject: null,
        windowMs: 300_000,
        minRequests: 20,
      },
      firing: [],
    });
    expect((await viewer.request(AlertRuleDocument, { id: created.id })).alertRule).toEqual(created);
    expect((await viewer.request(AlertRulesDocument, {})).alertRules.nodes).toEqual([created]);
    expect((await viewer.request(AlertHistoryDocument, {})).alertHistory).toEqual({
      nodes: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
    // A cursor that is none of ours is named by the argument the client sent.
    expect(await refused(viewer.request(AlertHistoryDocument, { after: 'page-2' }))).toEqual({
      code: 'INVALID_REQUEST',
      field: 'after',
    });

    const { updateAlertRule: updated } = await operator.request(UpdateAlertRuleDocument, {
      id: created.id,
      input: { enabled: false, condition: { latencyP95: { thresholdMs: 2_000, scope: 'model' } } },
    });
    expect(updated).toMatchObject({
      name: 'upstream errors',
      enabled: false,
      condition: { kind: 'latency_p95', thresholdMs: 2_000, scope: 'model', windowMs: 300_000 },
    });
    const { updateAlertRule: leak } = await operator.request(UpdateAlertRuleDocument, {
      id: created.id,
      input: { condition: { leak: true }, channelIds: [] },
    });
    expect(leak).toMatchObject({ condition: { kind: 'leak' }, channelIds: [], enabled: false });
    expect(
      await refused(viewer.request(UpdateAlertRuleDocument, { id: created.id, input: { name: 'mine' } })),
    ).toMatchObject({ code: 'PERMISSION_DENIED' });

    expect((await operator.request(DeleteAlertRuleDocument, { id: created.id })).deleteAlertRule).toBe(true);
    expect(await refused(viewer.request(AlertRuleDocument, { id: created.id }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    const audit = await auditOf(created.id);
    expect(audit.map((entry) => [entry.action, entry.actor])).toEqual([
      ['alert_rule.delete', operatorUser.id],
      ['alert_rule.update', operatorUser.id],
      ['alert_rule.update', operatorUser.id],
      ['alert_rule.create', operatorUser.id],
    ]);
  });

  it('replaces a secret write-only, removes an optional setting with null, and deletes the channel', async () => {
    const { createNotificationChannel } = await operator.request(CreateNotificationChannelDocument, {
      input: { name: 'bark', kind: 'bark', deviceKey: 'device-key-one', group: 'relay' },
    });
    const { id } = createNotificationChannel.channel;
    const { updateNotificationChannel: updated } = await operator.request(UpdateNotificationChannelDocument, {
      id,
      input: { name: 'phone', deviceKey: 'device-key-two', group: null },
    });
    expect(updated).toMatchObject({
      name: 'phone',
      kind: 'bark',
      settings: { serverUrl: 'https://api.day.app', group: null },
      secrets: [{ field: 'deviceKey', hint: '…' }],
    });
    const [change] = await auditOf(id);
    expect(change).toMatchObject({ action: 'channel.update', detail: { secretsChanged: ['deviceKey'] } });
    expect(JSON.stringify(change)).not.toContain('device-key-two');

    expect(
      (await operator.request(DeleteNotificationChannelDocument, { id })).deleteNotificationChannel,
    ).toBe(true);
    expect(await refused(viewer.request(NotificationChannelDocument, { id }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await auditOf(id))[0]).toMatchObject({ action: 'channel.delete', actor: operatorUser.id });
  });
});
