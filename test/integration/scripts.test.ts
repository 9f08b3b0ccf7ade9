import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import { pipelineResult, readScriptSpecs, ScriptRunner } from '../../src/services/redis/scripts.js';
import { createTestRedis, type TestRedis } from '../support/redis.js';
import { removeTempDirs, tempDir } from '../support/temp-dirs.js';

/** A folder of scripts for one test; removed after it. */
function scriptDir(files: Record<string, string>): string {
  const dir = tempDir('relay-lua-');
  for (const [name, body] of Object.entries(files)) writeFileSync(path.join(dir, name), body);
  return dir;
}

const HEADER = (keys: number) =>
  `--[[\n  test script\n${Array.from({ length: keys }, (_, i) => `  KEYS[${i + 1}] a key\n`).join('')}  Returns: something\n]]\n`;

describe('Lua script loader', () => {
  let t: TestRedis;
  beforeEach(async () => {
    t = await createTestRedis();
  });
  afterEach(async () => {
    await t.cleanup();
    removeTempDirs();
  });

  it('loads every shipped script with a documented header and a versioned command name', () => {
    const specs = readScriptSpecs();
    expect(specs.length).toBeGreaterThan(0);
    for (const spec of specs) {
      expect(spec.commandName).toMatch(new RegExp(`^relay_${spec.name.replaceAll('-', '_')}_[0-9a-f]{8}$`));
    }
    expect(specs.find((spec) => spec.name === 'lock-renew')?.numberOfKeys).toBe(1);
  });

  it('changes the command name when the script changes', () => {
    const a = readScriptSpecs(scriptDir({ 'demo-1.lua': `${HEADER(1)}return 1` }));
    const b = readScriptSpecs(scriptDir({ 'demo-1.lua': `${HEADER(1)}return 2` }));
    expect(a[0]?.commandName).not.toBe(b[0]?.commandName);
  });

  it('refuses badly named or undocumented scripts', () => {
    expect(() => readScriptSpecs(scriptDir({ 'nokeys.lua': `${HEADER(0)}return 1` }))).toThrow(
      /<name>-<numKeys>/,
    );
    expect(() => readScriptSpecs(scriptDir({ 'bare-1.lua': 'return 1' }))).toThrow(/header/);
    expect(() => readScriptSpecs(scriptDir({ 'short-2.lua': `${HEADER(1)}return 1` }))).toThrow(/KEYS\[2\]/);
  });

  it('delivers a script error to the caller as a typed AppError', async () => {
    const runner = new ScriptRunner(t.redis);
    const lock = t.keys.lock('demo');
    await t.redis.set(lock, 'instance-a', 'PX', 10_000);

    await expect(runner.run('lock-renew', [lock], ['instance-a', 5000])).resolves.toBe(1);
    const error = await runner.run('lock-renew', [lock], ['instance-b', 5000]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'conflict', httpStatus: 409, details: { holder: 'instance-a' } });
  });

  it('maps errors the same way inside a pipeline', async () => {
    const runner = new ScriptRunner(t.redis);
    const lock = t.keys.lock('demo');
    await t.redis.set(lock, 'instance-a', 'PX', 10_000);
    const pipeline = t.redis.pipeline();
    runner.queue(pipeline, 'lock-release', [lock], ['instance-b']);
    runner.queue(pipeline, 'lock-renew', [lock], ['instance-b', 1000]);
    const results = await pipeline.exec();
    expect(pipelineResult(results?.[0] as [Error | null, unknown])).toBe(0);
    expect(() => pipelineResult(results?.[1] as [Error | null, unknown])).toThrow(AppError);
    expect(await t.redis.get(lock)).toBe('instance-a');
  });

  it('turns an unknown script error code into an internal error', async () => {
    const dir = scriptDir({ 'broken-1.lua': `${HEADER(1)}return redis.error_reply('RELAY_NOT_A_CODE {}')` });
    const runner = new ScriptRunner(t.redis, readScriptSpecs(dir));
    await expect(runner.run('broken', [t.keys.lock('x')])).rejects.toMatchObject({ code: 'internal' });
  });

  it('checks the key count at the call site', async () => {
    const runner = new ScriptRunner(t.redis);
    await expect(runner.run('lock-renew', [], ['a', 1])).rejects.toThrow(/takes 1 keys, got 0/);
  });

  it('runs a script of any number of keys with the keys it declares: alone, auto-pipelined together, in a pipeline', async () => {
    const runner = new ScriptRunner(t.redis);
    const pipeline = t.redis.pipeline();
    const prefix = t.keys.apiKeySlotPrefix('key_any');
    const keys = [`${prefix}leases`, `${prefix}claims`, `${prefix}claims-exp`, `${prefix}reserved`];
    // A settle of a request that holds nothing: it only ends (absent) lease and claim.
    const settle = [prefix, Date.now(), 0, 'sliding', 1, 'req_any', 0, 0, 0];
    runner.queue(pipeline, 'key-settle', keys, settle);
    runner.queue(pipeline, 'key-settle', [...keys, `${prefix}spend:day:x`], settle);
    const results = await pipeline.exec();
    expect(results?.map(([error, value]) => [error, value])).toEqual([
      [null, 0],
      [null, 0],
    ]);
    await expect(runner.run('key-settle', keys, settle)).resolves.toBe(0);
    // Issued in one tick, calls with different key counts share one auto-pipeline.
    await expect(
      Promise.all([
        runner.run('key-settle', keys, settle),
        runner.run('key-settle', [...keys, `${prefix}spend:day:y`], settle),
        runner.run('key-settle', [...keys, `${prefix}spend:day:y`, `${prefix}spend:week:y`], settle),
      ]),
    ).resolves.toEqual([0, 0, 0]);
  });

  it('stops a script before it reaches a key it was not given', async () => {
    const runner = new ScriptRunner(t.redis);
    const prefix = t.keys.apiKeySlotPrefix('key_undeclared');
    // Without its claims hash: the settle cannot end a claim it may not look at.
    const error = await runner
      .run(
        'key-settle',
        [`${prefix}leases`, `${prefix}claims-exp`, `${prefix}reserved`],
        [prefix, Date.now(), 0, 'sliding', 1, 'req_any', 0, 0, 0],
      )
      .catch((e: unknown) => e);
    expect(String(error)).toMatch(/undeclared key: claims/);
    // And a key beside the slot's prefix (same slot, another name) is refused before anything runs.
    const outside = await runner
      .run(
        'key-settle',
        [`${prefix}leases`, `${prefix.replace(/^[^{]*/, 'elsewhere:')}x`],
        [prefix, Date.now(), 0, 'sliding', 0],
      )
      .catch((e: unknown) => e);
    expect(String(outside)).toMatch(/key outside the slot prefix/);
  });
});

/** The first argument of every `redis.call` in a shipped script: the key it touches, if it takes one. */
function touchedKeys(lua: string): string[] {
  return [...lua.matchAll(/redis\.call\('[A-Z]+',\s*([^,)]+)/g)].map((match) => match[1]?.trim() ?? '');
}

describe('shipped scripts', () => {
  it('reach keys only through KEYS, or `key()` over the declared ones, never by a name they build', () => {
    for (const spec of readScriptSpecs()) {
      // Locals naming a key: assigned from KEYS or from key() alone.
      const named = new Set(
        [...spec.lua.matchAll(/local (\w+) = ([^\n]+)/g)]
          .filter((match) => /^(KEYS\[\d+\]|key\(|[^\n]*\band key\()/.test(match[2] ?? ''))
          .map((match) => match[1]),
      );
      for (const first of touchedKeys(spec.lua)) {
        const declared = /^KEYS\[\d+\]$/.test(first) || /^key\(/.test(first) || named.has(first);
        expect(declared, `${spec.name}: redis.call on ${first}`).toBe(true);
      }
    }
  });
});
