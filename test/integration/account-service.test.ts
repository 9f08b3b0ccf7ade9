import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../../src/services/container.js';
import { createTestServices } from '../support/services.js';

describe('account service', () => {
  let services: Services;
  beforeEach(async () => {
    services = await createTestServices();
  });
  afterEach(async () => {
    await services.stop();
  });

  it('seals credentials and proxy passwords at rest and opens them for the relay', async () => {
    const account = await services.accounts.create({
      type: 'claude-console',
      name: 'main',
      credentials: { apiKey: 'sk-ant-api03-very-secret', proxyPassword: 'proxy-pass-secret' },
      proxy: { protocol: 'socks5', host: '127.0.0.1', port: 1080, username: 'relay' },
    });
    expect(account.baseUrl).toBe('https://api.anthropic.com');
    expect(JSON.stringify(account)).not.toContain('secret');
    const raw = (await services.context.redis.get(services.context.keys.account(account.id))) ?? '';
    expect(raw).not.toContain('sk-ant-api03-very-secret');
    expect(raw).not.toContain('proxy-pass-secret');
    const runtime = await services.accounts.runtime(account.id);
    expect(runtime?.secrets).toEqual({
      apiKey: 'sk-ant-api03-very-secret',
      proxyPassword: 'proxy-pass-secret',
    });
  });

  it('requires a base URL for compatible endpoints and keeps secrets when other fields change', async () => {
    await expect(
      services.accounts.create({ type: 'ccr', name: 'x', credentials: { apiKey: 'k' } }),
    ).rejects.toMatchObject({ code: 'invalid_request', details: { field: 'baseUrl' } });
    const account = await services.accounts.create({
      type: 'ccr',
      name: 'compatible',
      baseUrl: 'https://llm.example.test/anthropic/',
      authHeader: 'bearer',
      credentials: { apiKey: 'ccr-key' },
    });
    expect(account.baseUrl).toBe('https://llm.example.test/anthropic');
    await services.accounts.update(account.id, { priority: 5 });
    await expect.poll(async () => (await services.accounts.runtime(account.id))?.account.priority).toBe(5);
    expect((await services.accounts.runtime(account.id))?.secrets.apiKey).toBe('ccr-key');
    await services.accounts.update(account.id, { credentials: { apiKey: 'ccr-key-2' } });
    await expect
      .poll(async () => (await services.accounts.runtime(account.id))?.secrets.apiKey)
      .toBe('ccr-key-2');
  });

  it('lists the pool and drops deleted accounts from it', async () => {
    const a = await services.accounts.create({
      type: 'claude-console',
      name: 'a',
      credentials: { apiKey: 'k' },
    });
    const b = await services.accounts.create({
      type: 'claude-console',
      name: 'b',
      credentials: { apiKey: 'k' },
    });
    expect((await services.accounts.poolRuntimes('claude')).map((r) => r.account.id).sort()).toEqual(
      [a.id, b.id].sort(),
    );
    await services.accounts.delete(a.id);
    await expect
      .poll(async () => (await services.accounts.poolRuntimes('claude')).map((r) => r.account.id))
      .toEqual([b.id]);
    expect((await services.accounts.list()).items.map((item) => item.id)).toEqual([b.id]);
  });
});
