// A relay on a Redis Cluster whose primary for the key's slot is killed: it is served again once that primary's
// replica takes over its slots, without a restart; requests during the switch get fast 503s in the client's
// format; nothing settled is lost.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { type ClusterTopology, startClusterTopology } from '../support/redis-cluster.js';
import { createClaudeAccount, createKey, startTestRelay, type TestRelay } from '../support/relay.js';
import { expectServedAcrossFailover } from '../support/store-failover.js';

describe('a Redis Cluster failover', () => {
  let topology: ClusterTopology;
  let fake: FakeUpstream;
  let relay: TestRelay;

  beforeAll(async () => {
    topology = await startClusterTopology();
    fake = await startFakeUpstream();
    relay = await startTestRelay({ env: topology.env });
    await createClaudeAccount(relay, fake.url);
  }, 60_000);
  afterAll(async () => {
    await relay?.stop();
    await fake?.close();
    await topology?.stop();
  });

  it('serves again once the replica holds the slots, refusing fast meanwhile, with every request in the ledger', async () => {
    const key = await createKey(relay, { limits: { dailyCostMicros: 50_000_000, concurrency: 50 } });
    // The node holding the key's slot: admission, the key's limits and its claims all live there.
    const slotKey = relay.server.services.context.keys.apiKey(key.key.id);
    const figures = await expectServedAcrossFailover(relay, fake, { ...key, id: key.key.id }, async () => {
      const oldPort = await topology.primaryPortOf(slotKey);
      await topology.kill(oldPort);
      return { promoted: topology.promoted(slotKey, oldPort) };
    });
    console.info(`cluster failover: ${JSON.stringify(figures)}`);
  }, 90_000);
});
