// Channel definitions: every kind's settings checked, and a refusal always names the setting at fault.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import { parseCreateInput } from '../../src/services/notify/channel-types.js';

function refusal(input: unknown): { field: unknown; message: string } {
  try {
    parseCreateInput(input);
  } catch (error) {
    if (error instanceof AppError && error.code === 'invalid_request') {
      return { field: error.details?.field, message: error.message };
    }
    throw error;
  }
  throw new Error('the input was accepted');
}

describe('channel definitions', () => {
  it('accepts each kind with its defaults', () => {
    expect(parseCreateInput({ name: 'tg', kind: 'telegram', botToken: '1:a', chatId: -100 }).config).toEqual({
      kind: 'telegram',
      botToken: '1:a',
      chatId: '-100',
      apiBaseUrl: 'https://api.telegram.org',
    });
    expect(parseCreateInput({ name: 'b', kind: 'bark', deviceKey: 'k' }).config).toMatchObject({
      serverUrl: 'https://api.day.app',
    });
    expect(
      parseCreateInput({
        name: 'm',
        kind: 'smtp',
        host: 'smtp.test',
        port: 587,
        from: 'a@b.test',
        to: ['c@d.test'],
      }),
    ).toMatchObject({ enabled: true, config: { tls: 'starttls' } });
  });

  it('names the field of each refusal', () => {
    expect(refusal({ name: 's', kind: 'slack', webhookUrl: 'ftp://hooks.slack.com/x' })).toEqual({
      field: 'webhookUrl',
      message: 'webhookUrl: must be an http:// or https:// URL',
    });
    expect(refusal({ name: 's', kind: 'slack', webhookUrl: 'not a url' }).field).toBe('webhookUrl');
    expect(refusal({ name: 't', kind: 'telegram', botToken: '1:a' })).toEqual({
      field: 'chatId',
      message: 'chatId: is required',
    });
    expect(
      refusal({ name: 'm', kind: 'smtp', host: 'h', port: 70000, from: 'a@b.test', to: ['c@d.test'] }),
    ).toEqual({ field: 'port', message: 'port: must be between 1 and 65535' });
    expect(refusal({ name: 'x', kind: 'pager' })).toEqual({
      field: 'kind',
      message: 'kind: must be one of webhook, slack, discord, feishu, dingtalk, wecom, telegram, bark, smtp',
    });
    expect(refusal({ name: '', kind: 'wecom', webhookUrl: 'https://q.test/x' }).field).toBe('name');
    expect(refusal({ name: 'w', kind: 'webhook', url: 'https://x.test', signingSecret: 'plain' }).field).toBe(
      'signingSecret',
    );
    expect(refusal({ name: 'd', kind: 'discord', webhookUrl: 'https://d.test/x', botToken: '1:a' })).toEqual({
      field: 'botToken',
      message: 'botToken: is not a setting of this channel kind',
    });
    expect(
      refusal({ name: 'm', kind: 'smtp', host: 'h', port: 25, from: 'a@b.test', to: ['nope'] }).field,
    ).toBe('to.0');
    expect(refusal('slack').field).toBe('(input)');
  });
});
