// Mail delivery to a real SMTP server on loopback (smtp-server, no TLS): subject, bodies, envelope and login;
// a permanent rejection fails at once instead of being retried.
import { once } from 'node:events';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleNotification } from '../support/notify-fixtures.js';
import {
  createNotifyInstance,
  type DeliveryRecorder,
  deliveryRecorder,
  type NotifyInstance,
} from '../support/notify-instance.js';
import { createTestRedis, type TestRedis } from '../support/redis.js';

interface ReceivedMail {
  raw: string;
  from: string;
  to: string[];
  user: string | undefined;
}

describe('SMTP delivery', () => {
  let t: TestRedis;
  let notify: NotifyInstance;
  let recorder: DeliveryRecorder;
  let server: SMTPServer;
  let port: number;
  const mails: ReceivedMail[] = [];
  let arrived: Promise<void>;

  beforeEach(async () => {
    t = await createTestRedis();
    mails.length = 0;
    let signal = () => {};
    arrived = new Promise((resolve) => {
      signal = resolve;
    });
    server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      allowInsecureAuth: true,
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === 'relay' && auth.password === 'smtp-secret-password')
          callback(null, { user: 'relay' });
        else callback(new Error('Invalid username or password'));
      },
      onRcptTo(address, _session, callback) {
        if (address.address.endsWith('@blocked.test')) {
          callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
        } else callback();
      },
      onData(stream, session: SMTPServerSession, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const from = session.envelope.mailFrom;
          mails.push({
            raw: Buffer.concat(chunks).toString('utf8'),
            from: from ? from.address : '',
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            user: typeof session.user === 'string' ? session.user : undefined,
          });
          callback();
          signal();
        });
      },
    });
    server.listen(0, '127.0.0.1');
    await once(server.server, 'listening');
    const address = server.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    port = address.port;
    recorder = deliveryRecorder();
    notify = await createNotifyInstance({
      endpoint: t.endpoint,
      prefix: t.prefix,
      worker: { onDelivery: recorder.onDelivery, timeoutMs: 2_000, backoff: { baseMs: 10, capMs: 20 } },
    });
    await notify.worker.start();
  });
  afterEach(async () => {
    await notify.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await t.cleanup();
  });

  it('sends the alert as a mail with subject, text and HTML, logging in when configured', async () => {
    const { channel } = await notify.channels.create({
      name: 'mail',
      kind: 'smtp',
      host: '127.0.0.1',
      port,
      tls: 'none',
      username: 'relay',
      password: 'smtp-secret-password',
      from: 'relay@example.test',
      to: ['ops@example.test', 'oncall@example.test'],
    });
    await notify.queue.enqueue(sampleNotification(), [channel.id]);
    await arrived;
    const [mail] = mails;
    expect(mail?.from).toBe('relay@example.test');
    expect(mail?.to).toEqual(['ops@example.test', 'oncall@example.test']);
    expect(mail?.user).toBe('relay');
    expect(mail?.raw).toContain('Subject: [Critical] Firing: Error rate above 5% on account main');
    expect(mail?.raw).toContain('The error rate over the last 5 minutes is 12.5%.');
    expect(mail?.raw).toMatch(/Content-Type: text\/html/);
    await recorder.until('delivered', 1);
    expect((await notify.log.list(channel.id)).items[0]).toMatchObject({ status: 'delivered', attempt: 1 });
  });

  it('fails at once when the server permanently rejects every recipient', async () => {
    const { channel } = await notify.channels.create({
      name: 'blocked',
      kind: 'smtp',
      host: '127.0.0.1',
      port,
      tls: 'none',
      from: 'relay@example.test',
      to: ['nobody@blocked.test'],
    });
    await notify.queue.enqueue(sampleNotification(), [channel.id]);
    await recorder.until('failed', 1);
    const [entry] = (await notify.log.list(channel.id)).items;
    expect(entry).toMatchObject({ status: 'failed', attempt: 1 });
    expect(entry?.error).toMatch(/550|mailbox unavailable/);
    expect(mails).toHaveLength(0);
  });

  it('fails at once when the login is refused, and never logs the password', async () => {
    const { channel } = await notify.channels.create({
      name: 'bad login',
      kind: 'smtp',
      host: '127.0.0.1',
      port,
      tls: 'none',
      username: 'relay',
      password: 'wrong-password-value',
      from: 'relay@example.test',
      to: ['ops@example.test'],
    });
    await notify.queue.enqueue(sampleNotification(), [channel.id]);
    await recorder.until('failed', 1);
    const entries = (await notify.log.list(channel.id)).items;
    expect(entries.map((entry) => [entry.attempt, entry.status])).toEqual([[1, 'failed']]);
    expect(entries[0]?.error).toMatch(/EAUTH|535/);
    expect(JSON.stringify(entries)).not.toContain('wrong-password-value');
  });
});
