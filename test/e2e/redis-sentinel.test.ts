// A relay on a Sentinel-managed Redis whose primary is killed: it is served again once a replica is promoted,
// without a restart; requests during the switch get fast 503s in the client's format; nothing settled is lost.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { type SentinelTopology, startSentinelTopology } from '../support/redis-sentinel.js';
import { createClaudeAccount, createKey, startTestRelay, type TestRelay } from '../support/relay.js';
import { expectServedAcrossFailover } from '../support/store-failover.js';

describe('a Sentinel failover', () => {
  let topology: SentinelTopology;
  let fake: FakeUpstream;
  let relay: TestRelay;

  beforeAll(async () => {
    topology = await startSentinelTopology();
    fake = await startFakeUpstream();
    relay = await startTestRelay({ env: topology.env });
    await createClaudeAccount(relay, fake.url);
  }, 60_000);
  afterAll(async () => {
    await relay?.stop();
    await fake?.close();
    await topology?.stop();
  });

  it('serves again after the promotion, refusing fast meanwhile, with every served request in the ledger', async () => {
    const key = await createKey(relay, { limits: { dailyCostMicros: 50_000_000, concurrency: 50 } });
    const figures = await expectServedAcrossFailover(relay, fake, { ...key, id: key.key.id }, async () => {
      const oldPort = await topology.killPrimary();
      return { promoted: topology.promoted(oldPort) };
    });
    console.info(`sentinel failover: ${JSON.stringify(figures)}`);
  }, 90_000);
});
