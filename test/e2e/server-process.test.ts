// The server as a process of its own on an external Redis (the run's, in every REDIS_MODE), and its refusals of
// a bad configuration. Its life on the embedded Redis is in embedded-redis-process.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { ScriptRunner } from '../../src/services/redis/scripts.js';
import { UserService } from '../../src/services/users/user-service.js';
import { createTestRedis } from '../support/redis.js';
import { killStarted, listening, type ServerProcess, spawnServer } from '../support/server-process.js';
import { removeTempDirs, tempDir } from '../support/temp-dirs.js';

describe('the server process', () => {
  const started: ServerProcess[] = [];
  afterEach(async () => {
    await killStarted(started);
    removeTempDirs();
  });

  it('creates the first admin from ADMIN_PASSWORD on an external Redis', async () => {
    const t = await createTestRedis();
    try {
      const server = spawnServer({
        ...t.env,
        REDIS_KEY_PREFIX: t.prefix,
        PORT: '0',
        DATA_DIR: tempDir(),
        ADMIN_USERNAME: 'operator-one',
        ADMIN_PASSWORD: 'a long enough password',
      });
      started.push(server);
      await server.waitForLog(listening);
      const users = new UserService({ redis: t.redis, keys: t.keys, scripts: new ScriptRunner(t.redis) });
      expect(await users.verifyCredentials('operator-one', 'a long enough password')).toMatchObject({
        role: 'admin',
      });
      expect(JSON.stringify(server.lines)).not.toContain('a long enough password');
      server.child.kill('SIGTERM');
      expect((await server.exited).code).toBe(0);
    } finally {
      await t.cleanup();
    }
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be a whole number/],
    [{ REDIS_URL: 'not a url' }, /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    [
      { REDIS_URL: undefined, REDIS_SERVER_BIN: '/nonexistent/redis-server' },
      /Install Redis.*or set REDIS_URL/s,
    ],
  ])('exits 1 with a message naming the problem for %o', async (env, message) => {
    const server = spawnServer({
      DATA_DIR: tempDir(),
      PORT: '0',
      ...env,
    });
    started.push(server);
    const { code } = await server.exited;
    expect(code).toBe(1);
    expect(server.stderr()).toMatch(message);
  });
});
