// Scripts run by hash (EVALSHA), and a server that does not know a script answers NOSCRIPT: a restarted
// server, a promoted replica (scripts reach replicas as their effects, not their source), or a cluster node
// the connection never sent the script to. Every node of the run's Redis forgets them here; the next calls, alone
// and in a batch spanning slots, must still run.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../../src/services/container.js';
import { primaries } from '../../src/services/redis/connection.js';
import { pipelineResult } from '../../src/services/redis/scripts.js';
import { crossSlotPipeline } from '../../src/services/redis/slot-spanning.js';
import { createTestServices } from '../support/services.js';

describe('scripts on a server that does not know them', () => {
  let services: Services;
  beforeEach(async () => {
    services = await createTestServices();
  });
  afterEach(async () => {
    await services.stop();
  });

  it('runs them after every node flushed its script cache, alone and in a batch across slots', async () => {
    const { redis, keys, scripts } = services.context;
    // Records in three slots (a key's, an account's, a user's), so that a cluster spreads them over its nodes.
    const records = [keys.apiKey('key_a'), keys.account('acc_a'), keys.userTelemetry('usr_a', 'day')];
    for (const record of records) await redis.set(record, 'v0');
    // Known to every node first, then forgotten by every node.
    for (const record of records) expect(await scripts.run('record-swap', [record], ['v0', 'v1'])).toBe(1);
    for (const node of primaries(redis)) await node.script('FLUSH');

    expect(await scripts.run('record-swap', [records[0] ?? ''], ['v1', 'v2'])).toBe(1);
    const batch = crossSlotPipeline(redis);
    for (const record of records.slice(1)) scripts.queue(batch, 'record-swap', [record], ['v1', 'v2']);
    const results = (await batch.exec()) ?? [];
    expect(results.map((entry) => pipelineResult(entry))).toEqual([1, 1]);
    for (const record of records) expect(await redis.get(record)).toBe('v2');
  });
});
