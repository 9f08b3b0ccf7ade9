import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeRedis, createRedisClient } from '../../src/services/redis/connection.js';
import { RedisBinaryMissingError, startEmbeddedRedis } from '../../src/services/redis/embedded-redis.js';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('embedded redis', () => {
  it('starts a persistent server with AOF on a free port and stops it', async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'relay-redis-')), 'redis');
    const embedded = await startEmbeddedRedis({ bin: 'redis-server', dataDir, persist: true });
    expect(embedded.port).toBeGreaterThan(0);
    const client = await createRedisClient({ url: embedded.url, name: 'test' });
    await client.set('survives', 'restart');
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    await closeRedis(client);
    expect(readdirSync(dataDir)).toContain('appendonlydir');
    expect(isRunning(embedded.pid)).toBe(true);

    await embedded.stop();
    expect(isRunning(embedded.pid)).toBe(false);

    // Data written before the stop is there after a restart on the same directory.
    const again = await startEmbeddedRedis({ bin: 'redis-server', dataDir, persist: true });
    const client2 = await createRedisClient({ url: again.url, name: 'test' });
    expect(await client2.get('survives')).toBe('restart');
    await closeRedis(client2);
    await again.stop();
  });

  it('runs a throwaway server without persistence', async () => {
    const embedded = await startEmbeddedRedis({ bin: 'redis-server', persist: false });
    const client = await createRedisClient({ url: embedded.url, name: 'test' });
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
    await closeRedis(client);
    await embedded.stop();
    expect(isRunning(embedded.pid)).toBe(false);
  });

  it('explains how to install Redis when the binary is missing', async () => {
    const error = await startEmbeddedRedis({ bin: '/nonexistent/redis-server', persist: false }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(RedisBinaryMissingError);
    expect(error.message).toMatch(/apt-get install redis-server/);
    expect(error.message).toMatch(/REDIS_URL/);
    expect(existsSync('/nonexistent')).toBe(false);
  });
});
