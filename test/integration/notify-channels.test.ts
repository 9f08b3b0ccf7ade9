// Notification channels against real Redis: CRUD and paging, secrets sealed at rest and never read back,
// refusals naming the field, and the control facade's role rules and secret-free audit entries.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/services/audit/audit-log.js';
import type { Principal } from '../../src/services/auth/auth-service.js';
import { ChannelAdmin } from '../../src/services/control/channel-admin.js';
import { createNotifyInstance, type NotifyInstance } from '../support/notify-instance.js';
import { createTestRedis, type TestRedis } from '../support/redis.js';

const admin: Principal = { userId: 'usr_admin', username: 'admin', role: 'admin' };
const viewer: Principal = { userId: 'usr_viewer', username: 'viewer', role: 'viewer' };
const member: Principal = { userId: 'usr_member', username: 'member', role: 'member' };

const SLACK_URL = 'https://hooks.slack.com/services/T000/B000/slack-token-secret';
const BOT_TOKEN = '123456:telegram-token-secret';

describe('notification channels', () => {
  let t: TestRedis;
  let notify: NotifyInstance;
  let channelAdmin: ChannelAdmin;
  let audit: AuditLog;

  beforeEach(async () => {
    t = await createTestRedis();
    notify = await createNotifyInstance({ endpoint: t.endpoint, prefix: t.prefix });
    audit = new AuditLog(notify.context);
    channelAdmin = new ChannelAdmin(notify.channels, notify.queue, notify.log, audit);
  });
  afterEach(async () => {
    await notify.stop();
    await t.cleanup();
  });

  /** Everything stored under the test's prefix, as one string: secrets must appear nowhere in it. */
  const everythingStored = async () => {
    const values = await Promise.all(
      (await t.listKeys()).map(async (key) => {
        const type = await t.redis.type(key);
        if (type === 'string') return (await t.redis.get(key)) ?? '';
        if (type === 'zset') return (await t.redis.zrange(key, 0, -1)).join(' ');
        if (type === 'stream') return JSON.stringify(await t.redis.xrange(key, '-', '+'));
        return JSON.stringify(await t.redis.hgetall(key));
      }),
    );
    return values.join('\n');
  };

  it('seals secrets at rest and returns only hints', async () => {
    const { channel: slack } = await channelAdmin.create(admin, {
      name: 'ops',
      kind: 'slack',
      webhookUrl: SLACK_URL,
    });
    const { channel: telegram } = await channelAdmin.create(admin, {
      name: 'tg',
      kind: 'telegram',
      botToken: BOT_TOKEN,
      chatId: '-100',
    });
    expect(slack).toMatchObject({
      kind: 'slack',
      enabled: true,
      settings: {},
      secrets: [{ field: 'webhookUrl', hint: 'https://hooks.slack.com/…' }],
      hasSecret: true,
    });
    expect(telegram.settings).toEqual({ chatId: '-100', apiBaseUrl: 'https://api.telegram.org' });
    expect(telegram.secrets).toEqual([{ field: 'botToken', hint: '…' }]);

    const reads = JSON.stringify([
      await channelAdmin.get(viewer, slack.id),
      await channelAdmin.list(viewer, {}),
      await notify.channels.get(telegram.id),
    ]);
    const stored = await everythingStored();
    for (const secret of ['slack-token-secret', 'telegram-token-secret']) {
      expect(reads).not.toContain(secret);
      expect(stored).not.toContain(secret);
    }
    // The worker, and only it, opens them.
    expect((await notify.channels.open(slack.id))?.config).toEqual({ kind: 'slack', webhookUrl: SLACK_URL });
  });

  it('generates a webhook signing secret, shows it once, and keeps it out of reads and the audit log', async () => {
    const created = await channelAdmin.create(admin, {
      name: 'hook',
      kind: 'webhook',
      url: 'https://example.test/in',
    });
    expect(created.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const secret = created.signingSecret ?? '';
    expect(created.channel.settings).toEqual({ url: 'https://example.test/in' });
    expect(JSON.stringify(await channelAdmin.get(admin, created.channel.id))).not.toContain(secret.slice(6));
    expect(JSON.stringify(await audit.list())).not.toContain(secret.slice(6));
    expect(await everythingStored()).not.toContain(secret.slice(6));
    // A given secret is kept as given and not echoed back.
    const given = `whsec_${Buffer.alloc(24, 3).toString('base64')}`;
    const second = await channelAdmin.create(admin, {
      name: 'h2',
      kind: 'webhook',
      url: 'https://e.test',
      signingSecret: given,
    });
    expect(second.signingSecret).toBeUndefined();
    expect((await notify.channels.open(second.channel.id))?.config).toMatchObject({ signingSecret: given });
  });

  it('updates settings and secrets, keeps the kind, and audits the secret-free views', async () => {
    const { channel } = await channelAdmin.create(admin, {
      name: 'ding',
      kind: 'dingtalk',
      webhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=first-token',
      signingSecret: 'SECfirst',
    });
    const updated = await channelAdmin.update(admin, channel.id, {
      name: 'ding 2',
      enabled: false,
      signingSecret: null,
      webhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=second-token',
    });
    expect(updated).toMatchObject({ name: 'ding 2', enabled: false });
    expect(updated.secrets.map((secret) => secret.field)).toEqual(['webhookUrl']);
    expect((await notify.channels.open(channel.id))?.config).toEqual({
      kind: 'dingtalk',
      webhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=second-token',
    });
    await expect(channelAdmin.update(admin, channel.id, { kind: 'slack' })).rejects.toMatchObject({
      code: 'invalid_request',
      details: { field: 'kind' },
    });
    await expect(
      channelAdmin.update(admin, channel.id, { webhookUrl: 'file:///etc/passwd' }),
    ).rejects.toMatchObject({
      details: { field: 'webhookUrl' },
    });
    await expect(channelAdmin.update(admin, channel.id, { chatId: '1' })).rejects.toMatchObject({
      details: { field: 'chatId' },
    });

    const entries = (await audit.list({ target: channel.id })).items;
    expect(entries.map((entry) => entry.action)).toEqual(['channel.update', 'channel.create']);
    expect(entries[0]?.detail).toEqual({ secretsChanged: ['signingSecret', 'webhookUrl'] });
    const text = JSON.stringify(entries);
    for (const secret of ['first-token', 'second-token', 'SECfirst']) expect(text).not.toContain(secret);
  });

  it('refuses invalid definitions with the field named', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'a', kind: 'slack', webhookUrl: 'javascript:alert(1)' }, 'webhookUrl'],
      [{ name: 'a', kind: 'telegram', botToken: BOT_TOKEN }, 'chatId'],
      [{ name: 'a', kind: 'smtp', host: 'h', port: 0, from: 'a@b.test', to: ['c@d.test'] }, 'port'],
      [{ name: 'a', kind: 'sms', phone: '1' }, 'kind'],
      [{ name: 'a', kind: 'feishu' }, 'webhookUrl'],
    ];
    for (const [input, field] of cases) {
      await expect(channelAdmin.create(admin, { name: 'x', kind: 'x', ...input })).rejects.toMatchObject({
        code: 'invalid_request',
        details: { field },
      });
    }
    expect((await channelAdmin.list(admin, {})).items).toEqual([]);
  });

  it('pages the list newest first and deletes a channel with its log', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      const { channel } = await notify.channels.create({
        name: `c${index}`,
        kind: 'bark',
        deviceKey: `k${index}`,
      });
      ids.push(channel.id);
    }
    const first = await notify.channels.list({ limit: 3 });
    const second = await notify.channels.list({
      limit: 3,
      ...(first.nextCursor ? { cursor: first.nextCursor } : {}),
    });
    expect([...first.items, ...second.items].map((item) => item.id).sort()).toEqual([...ids].sort());
    expect(second.nextCursor).toBeUndefined();

    const target = ids[0] ?? '';
    await t.redis.xadd(t.keys.notifyLog(target), '*', 'e', '{}');
    await channelAdmin.delete(admin, target);
    expect(await notify.channels.get(target)).toBeUndefined();
    expect(await t.redis.exists(t.keys.notifyLog(target))).toBe(0);
    await expect(channelAdmin.delete(admin, target)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('lets readers read and only managers change or test', async () => {
    const { channel } = await channelAdmin.create(admin, {
      name: 'w',
      kind: 'wecom',
      webhookUrl: 'https://q.test/x?key=k',
    });
    await expect(channelAdmin.get(viewer, channel.id)).resolves.toMatchObject({ id: channel.id });
    await expect(channelAdmin.deliveries(viewer, channel.id, {})).resolves.toEqual({ items: [] });
    for (const actor of [viewer, member]) {
      await expect(channelAdmin.update(actor, channel.id, { name: 'n' })).rejects.toMatchObject({
        code: 'permission_denied',
      });
      await expect(channelAdmin.test(actor, channel.id)).rejects.toMatchObject({ code: 'permission_denied' });
      await expect(channelAdmin.delete(actor, channel.id)).rejects.toMatchObject({
        code: 'permission_denied',
      });
    }
    await expect(channelAdmin.list(member, {})).rejects.toMatchObject({ code: 'permission_denied' });
    const operator: Principal = { userId: 'usr_op', username: 'op', role: 'operator' };
    const { deliveryId } = await channelAdmin.test(operator, channel.id);
    expect(await channelAdmin.deliveryStatus(viewer, deliveryId)).toMatchObject({
      channelId: channel.id,
      status: 'queued',
      notification: { type: 'channel.test' },
    });
    expect((await audit.list({ action: 'channel.test' })).items[0]).toMatchObject({
      actor: 'usr_op',
      target: channel.id,
    });
  });
});
