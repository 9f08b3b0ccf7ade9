// Live resharding of a Redis Cluster under load: the slots holding an API key's state, its owner's spend
// counters, the account pool's scheduling state and the usage ledger each move to another primary while
// requests flow, a key at a time, so requests meet each slot half moved (some of its keys on one node, the
// rest on the other). Scripts declare every key they touch, so the cluster runs each one whole on one node or
// refuses it before it starts (TRYAGAIN, ASK); a refusal is a fast, retryable 503. Nothing is written twice or
// lost: MIGRATE would refuse a key written on both sides, and the books balance on both the key and the owner.
import { describe, expect, it } from 'vitest';
import { expectBooksBalance, expectRefusedFast } from '../support/books.js';
import { type SlotMove, startClusterTopology } from '../support/redis-cluster.js';
import { createKey } from '../support/relay.js';
import { postJson, type StreamedResponse } from '../support/sse-client.js';
import { relayOnTopology } from '../support/store-failover.js';

const BODY = { model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };
const CLIENTS = 4;

describe('a Redis Cluster resharded under load', () => {
  const setup = relayOnTopology(startClusterTopology);

  it("keeps serving while the key's, the owner's, the pool's and the ledger's slots move, and loses nothing", async () => {
    const { relay, fake, topology } = setup;
    const { services } = relay.server;
    const { keys, redis } = services.context;
    const user = await services.users.create({
      username: 'resharded',
      password: 'a long enough password',
      role: 'member',
    });
    await services.spendLimits.set({
      scope: { type: 'user', userId: user.id },
      period: 'daily',
      amountCents: 5000,
    });
    const { key, plaintext } = await createKey(relay, {
      ownerId: user.id,
      limits: {
        dailyCostMicros: 50_000_000,
        concurrency: 50,
        window: { seconds: 60, mode: 'sliding', requests: 100_000 },
      },
    });

    // Clients in a loop; `answered(n)` resolves once n more requests have been answered.
    const responses: Array<StreamedResponse & { ms: number }> = [];
    const waiters: Array<{ count: number; resolve: () => void }> = [];
    let stopping = false;
    const client = async () => {
      while (!stopping) {
        const started = performance.now();
        const response = await postJson(`${relay.url}/v1/messages`, BODY, { 'x-api-key': plaintext });
        responses.push({ ...response, ms: performance.now() - started });
        for (const waiter of waiters.splice(0)) {
          if (responses.length >= waiter.count) waiter.resolve();
          else waiters.push(waiter);
        }
      }
    };
    const answered = (more: number) =>
      new Promise<void>((resolve) => waiters.push({ count: responses.length + more, resolve }));
    const clients = Array.from({ length: CLIENTS }, client);
    await answered(20);

    const moves: Array<SlotMove & { of: string }> = [];
    const slots = {
      key: keys.apiKey(key.id),
      owner: keys.userLeases(user.id),
      pool: keys.poolLastUsed('claude'),
      ledger: keys.ledgerStream(),
    };
    for (const [of, name] of Object.entries(slots)) {
      const move = await topology.migrateSlotOf(name, 1, () => answered(2));
      moves.push({ ...move, of });
      expect(await topology.primaryPortOf(name)).toBe(move.to);
    }
    await answered(20);
    stopping = true;
    await Promise.all(clients);
    console.info(
      `resharding: ${JSON.stringify({
        moves: moves.map(({ of, moved }) => ({ of, moved })),
        answered: responses.length,
        refused: responses.filter((response) => response.status !== 200).length,
        slowestRefusalMs: Math.round(
          Math.max(
            0,
            ...responses.filter((response) => response.status !== 200).map((response) => response.ms),
          ),
        ),
      })}`,
    );

    for (const move of moves) expect(move.moved, move.of).toBeGreaterThan(0);
    expectRefusedFast(responses.filter((response) => response.status !== 200));
    expect(responses.filter((response) => response.status === 200).length).toBeGreaterThan(40);
    const after = await Promise.all(
      Array.from({ length: 10 }, () =>
        postJson(`${relay.url}/v1/messages`, BODY, { 'x-api-key': plaintext }),
      ),
    );
    expect(after.map((response) => response.status)).toEqual(Array(10).fill(200));

    // The key's side: one ledger entry per request served, charged once, nothing held.
    await expectBooksBalance(relay, fake, key.id);
    expect(await redis.hlen(`${keys.apiKeySlotPrefix(key.id)}reserved`)).toBe(0);
    // The owner's side: charged the same, nothing held.
    const entries = (await services.requestLog.recent(10_000)).filter((entry) => entry.keyId === key.id);
    const day = new Date().toISOString().slice(0, 10);
    const prefix = keys.userSpendPrefix(user.id);
    expect(Number(await redis.get(`${prefix}spend:day:${day}`))).toBe(
      entries.reduce((sum, entry) => sum + entry.costMicros, 0),
    );
    expect(await redis.hlen(`${prefix}claims`)).toBe(0);
    expect(await redis.hlen(`${prefix}reserved`)).toBe(0);
    // The pool's side: no lease left on the account.
    const { items: accounts } = await services.accounts.list();
    expect(accounts.length).toBeGreaterThan(0);
    for (const account of accounts) expect(await redis.zcard(keys.poolLeases('claude', account.id))).toBe(0);
  }, 120_000);
});
