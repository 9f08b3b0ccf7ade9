import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import type { Services } from '../../src/services/container.js';
import { createTestServices } from '../support/services.js';

describe('API key service', () => {
  let services: Services;
  beforeEach(async () => {
    services = await createTestServices();
  });
  afterEach(async () => {
    await services.stop();
  });

  it('issues a 256-bit key once and stores only its hash', async () => {
    const { key, plaintext } = await services.apiKeys.create({ name: 'ci', limits: { concurrency: 2 } });
    expect(plaintext).toMatch(/^cr_[A-Za-z0-9_-]{43}$/);
    expect(key.hint).toBe(`cr_…${plaintext.slice(-4)}`);
    expect(key.limits).toEqual({ concurrency: 2 });
    const raw = await services.context.redis.get(services.context.keys.apiKey(key.id));
    expect(raw).not.toContain(plaintext);
    expect((await services.apiKeys.authenticate(plaintext)).id).toBe(key.id);
    await expect(services.apiKeys.authenticate('cr_wrong')).rejects.toMatchObject({
      code: 'unauthenticated',
    });
  });

  it('pages through keys newest first without repeats', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 7; index += 1)
      ids.push((await services.apiKeys.create({ name: `k${index}` })).key.id);
    const seen: Array<{ id: string; createdAt: number }> = [];
    let cursor: string | undefined;
    do {
      const page = await services.apiKeys.list({ limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    // Keys created within one millisecond tie; every key appears exactly once and time never goes up.
    expect(seen.map((item) => item.id).sort()).toEqual([...ids].sort());
    for (let index = 1; index < seen.length; index += 1) {
      expect(seen[index]?.createdAt).toBeLessThanOrEqual(seen[index - 1]?.createdAt ?? 0);
    }
    await expect(services.apiKeys.list({ cursor: 'garbage' })).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });

  it('rotates: the old secret stops working, the key keeps its id and settings', async () => {
    const { key, plaintext } = await services.apiKeys.create({ name: 'rotating', tags: ['a'] });
    await services.apiKeys.authenticate(plaintext);
    const rotated = await services.apiKeys.rotate(key.id);
    expect(rotated.plaintext).not.toBe(plaintext);
    expect(rotated.key).toMatchObject({ id: key.id, tags: ['a'] });
    await expect(services.apiKeys.authenticate(plaintext)).rejects.toBeInstanceOf(AppError);
    expect((await services.apiKeys.authenticate(rotated.plaintext)).id).toBe(key.id);
  });

  it('updates, disables and deletes, invalidating the cache each time', async () => {
    const { key, plaintext } = await services.apiKeys.create({ name: 'changing' });
    await services.apiKeys.authenticate(plaintext);
    await services.apiKeys.update(key.id, { name: 'renamed', modelDeny: ['claude-opus*'] });
    // The invalidation travels through Redis pub/sub, even to the instance that made the change.
    await expect.poll(async () => (await services.apiKeys.authenticate(plaintext)).name).toBe('renamed');
    await services.apiKeys.setEnabled(key.id, false);
    await expect.poll(async () => (await services.apiKeys.authenticate(plaintext)).enabled).toBe(false);
    await services.apiKeys.delete(key.id);
    await expect
      .poll(() =>
        services.apiKeys.authenticate(plaintext).then(
          () => 'ok',
          (error: AppError) => error.code,
        ),
      )
      .toBe('unauthenticated');
    expect(await services.apiKeys.get(key.id)).toBeUndefined();
  });

  it('applies patches computed from the current key without losing concurrent ones', async () => {
    const { key } = await services.apiKeys.create({
      name: 'counted',
      description: 'kept',
      limits: { concurrency: 1 },
    });
    await Promise.all(
      Array.from({ length: 5 }, () =>
        services.apiKeys.update(key.id, (current) => ({
          limits: { ...current.limits, concurrency: (current.limits.concurrency ?? 0) + 1 },
        })),
      ),
    );
    const updated = await services.apiKeys.require(key.id);
    expect(updated.limits.concurrency).toBe(6);
    // A field given as undefined keeps its stored value.
    await services.apiKeys.update(key.id, { name: 'renamed', description: undefined });
    expect(await services.apiKeys.require(key.id)).toMatchObject({ name: 'renamed', description: 'kept' });
  });

  it('names the field of invalid input', async () => {
    const error = await services.apiKeys
      .create({ name: 'bad', limits: { concurrency: -1 } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_request', details: { field: 'limits.concurrency' } });
    await expect(services.apiKeys.update('key_missing', { name: 'x' })).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
