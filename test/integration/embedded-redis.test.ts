import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { closeRedis, createRedisClient } from '../../src/services/redis/connection.js';
import { RedisBinaryMissingError, startEmbeddedRedis } from '../../src/services/redis/embedded-redis.js';
import { isRunning } from '../support/process-state.js';
import { ROOT } from '../support/server-process.js';
import { removeTempDirs, tempDir } from '../support/temp-dirs.js';

/** Runs `test/support/embedded-redis-owner.ts` in its own process and resolves with the Redis it started. */
async function startOwner(dataDir?: string) {
  const args = ['--import', 'tsx', 'test/support/embedded-redis-owner.ts', ...(dataDir ? [dataDir] : [])];
  const owner = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(owner, 'exit');
  if (!owner.stdout) throw new Error('no stdout');
  const [line] = (await once(createInterface({ input: owner.stdout }), 'line')) as [string];
  const redis = JSON.parse(line) as { url: string; pid: number };
  return { owner, exited, redis };
}

describe('embedded redis', () => {
  afterEach(removeTempDirs);

  it('starts a persistent server with AOF on a free port and stops it', async () => {
    const dataDir = path.join(tempDir('relay-redis-'), 'redis');
    const embedded = await startEmbeddedRedis({ bin: 'redis-server', dataDir, persist: true });
    expect(embedded.port).toBeGreaterThan(0);
    const client = await createRedisClient({ endpoint: { url: embedded.url }, name: 'test' });
    await client.set('survives', 'restart');
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    await closeRedis(client);
    expect(readdirSync(dataDir)).toContain('appendonlydir');
    expect(isRunning(embedded.pid)).toBe(true);

    await embedded.stop();
    expect(isRunning(embedded.pid)).toBe(false);

    // Data written before the stop is there after a restart on the same directory.
    const again = await startEmbeddedRedis({ bin: 'redis-server', dataDir, persist: true });
    const client2 = await createRedisClient({ endpoint: { url: again.url }, name: 'test' });
    expect(await client2.get('survives')).toBe('restart');
    await closeRedis(client2);
    await again.stop();
  });

  it('runs a throwaway server without persistence', async () => {
    const embedded = await startEmbeddedRedis({ bin: 'redis-server', persist: false });
    const client = await createRedisClient({ endpoint: { url: embedded.url }, name: 'test' });
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
    await closeRedis(client);
    await embedded.stop();
    expect(isRunning(embedded.pid)).toBe(false);
  });

  it('refuses a second persistent server on a directory whose owner is alive, naming the owner', async () => {
    const dataDir = path.join(tempDir('relay-redis-'), 'redis');
    const embedded = await startEmbeddedRedis({ bin: 'redis-server', dataDir, persist: true });
    try {
      await expect(startEmbeddedRedis({ bin: 'redis-server', dataDir, persist: true })).rejects.toThrow(
        new RegExp(`pid ${process.pid}\\b.*${dataDir}`, 's'),
      );
      // The running one was left alone.
      expect(isRunning(embedded.pid)).toBe(true);
      const client = await createRedisClient({ endpoint: { url: embedded.url }, name: 'test' });
      expect(await client.ping()).toBe('PONG');
      await closeRedis(client);
    } finally {
      await embedded.stop();
    }
  });

  it('stops a throwaway server when the process that owns it is killed outright', async () => {
    const { owner, exited, redis } = await startOwner();
    try {
      expect(isRunning(redis.pid)).toBe(true);
      owner.kill('SIGKILL');
      await exited;
      // Not our child: nothing to await but its disappearance.
      await expect.poll(() => isRunning(redis.pid), { timeout: 10_000 }).toBe(false);
    } finally {
      if (isRunning(redis.pid)) process.kill(redis.pid, 'SIGKILL');
    }
  });

  it('keeps the data of a persistent server whose owner was killed outright, and starts again on it', async () => {
    const dataDir = path.join(tempDir('relay-redis-'), 'redis');
    const { owner, exited, redis } = await startOwner(dataDir);
    try {
      const client = await createRedisClient({ endpoint: { url: redis.url }, name: 'test' });
      await client.set('written', 'just before the kill');
      await closeRedis(client);
      owner.kill('SIGKILL');
      await exited;
      await expect.poll(() => isRunning(redis.pid), { timeout: 10_000 }).toBe(false);
    } finally {
      if (isRunning(redis.pid)) process.kill(redis.pid, 'SIGKILL');
    }
    // The dead owner's record is stale: this process may start a server on the directory.
    const again = await startEmbeddedRedis({ bin: 'redis-server', dataDir, persist: true });
    const client = await createRedisClient({ endpoint: { url: again.url }, name: 'test' });
    expect(await client.get('written')).toBe('just before the kill');
    await closeRedis(client);
    await again.stop();
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
