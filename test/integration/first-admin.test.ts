import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { ScriptRunner } from '../../src/services/redis/scripts.js';
import { ensureFirstAdmin } from '../../src/services/users/first-admin.js';
import { UserService } from '../../src/services/users/user-service.js';
import { createTestRedis, type TestRedis } from '../support/redis.js';

function captureLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

describe('first admin', () => {
  let t: TestRedis;
  beforeEach(async () => {
    t = await createTestRedis();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('creates the admin from ADMIN_PASSWORD and stores only an argon2id hash', async () => {
    const users = new UserService({ redis: t.redis, keys: t.keys, scripts: new ScriptRunner(t.redis) });
    const { logger, lines } = captureLogger();
    const result = await ensureFirstAdmin(
      users,
      { username: 'root', password: 'correct horse battery' },
      logger,
    );
    expect(result).toEqual({ created: true, username: 'root' });
    const user = await users.findByUsername('root');
    expect(user?.role).toBe('admin');
    const stored = await t.redis.get(t.keys.user(user?.id ?? ''));
    expect(stored).toContain('$argon2id$');
    expect(stored).not.toContain('correct horse battery');
    expect(lines.join('')).not.toContain('correct horse battery');
    expect(await users.verifyCredentials('root', 'correct horse battery')).toMatchObject({
      username: 'root',
    });
    expect(await users.verifyCredentials('root', 'wrong password!!')).toBeUndefined();
  });

  it('generates a password, prints it once, and does nothing on later starts', async () => {
    const users = new UserService({ redis: t.redis, keys: t.keys, scripts: new ScriptRunner(t.redis) });
    const { logger, lines } = captureLogger();
    const first = await ensureFirstAdmin(users, { username: 'admin', password: undefined }, logger);
    if (!first.created || !first.generatedPassword) throw new Error('expected a generated password');
    expect(lines.filter((line) => line.includes(first.generatedPassword ?? '-'))).toHaveLength(1);
    expect(await users.verifyCredentials('admin', first.generatedPassword)).toBeDefined();

    const second = await ensureFirstAdmin(users, { username: 'admin', password: undefined }, logger);
    expect(second).toEqual({ created: false });
    expect(lines.filter((line) => line.includes('generated password'))).toHaveLength(1);
  });

  it('creates exactly one admin when two instances boot at once', async () => {
    const users = new UserService({ redis: t.redis, keys: t.keys, scripts: new ScriptRunner(t.redis) });
    const { logger } = captureLogger();
    const results = await Promise.all([
      ensureFirstAdmin(users, { username: 'admin', password: 'first instance pw' }, logger),
      ensureFirstAdmin(users, { username: 'admin', password: 'second instance pw' }, logger),
    ]);
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(await users.count()).toBe(1);
  });
});
