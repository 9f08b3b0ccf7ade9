// A relay whose Redis primary is killed, on each topology that replaces one: a Sentinel-managed primary (the
// Sentinels promote its replica) and a Redis Cluster (the replica of the primary holding the key's slot takes
// the slot over). It is served again once the replacement serves, without a restart; requests during the switch
// get fast 503s in the client's format; nothing settled is lost (test/support/store-failover.ts).
import { describe, it } from 'vitest';
import { startClusterTopology } from '../support/redis-cluster.js';
import { startSentinelTopology } from '../support/redis-sentinel.js';
import { createKey } from '../support/relay.js';
import {
  expectServedAcrossFailover,
  relayOnTopology,
  type StoreTopology,
} from '../support/store-failover.js';

interface Topology extends StoreTopology {
  failPrimaryOf(key: string): Promise<{ promoted: Promise<number> }>;
}

const TOPOLOGIES: Array<[string, () => Promise<Topology>]> = [
  ['Sentinel', startSentinelTopology],
  ['Redis Cluster', startClusterTopology],
];

describe.each(TOPOLOGIES)('a %s failover', (name, start) => {
  const setup = relayOnTopology(start);

  it('serves again once the replacement serves, refusing fast meanwhile, with every request in the ledger', async () => {
    const { relay, fake, topology } = setup;
    const key = await createKey(relay, { limits: { dailyCostMicros: 50_000_000, concurrency: 50 } });
    // On a cluster, the primary holding the key's slot: admission, the key's limits and its claims live there.
    const slotKey = relay.server.services.context.keys.apiKey(key.key.id);
    const figures = await expectServedAcrossFailover(relay, fake, { ...key, id: key.key.id }, () =>
      topology.failPrimaryOf(slotKey),
    );
    console.info(`${name} failover: ${JSON.stringify(figures)}`);
  }, 90_000);
});
