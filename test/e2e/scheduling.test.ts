// The Claude account scheduler seen from a client: how requests spread over equal accounts, how a
// conversation stays on one account (and moves when that account stops serving), how rate limits take an
// account or one model family out of rotation, and how a key's binding narrows the choice.
//
// Every account has its own fake upstream (and its own upstream API key), so which fake recorded a request
// says which account served it, and a scenario set on one fake affects one account only.
import { randomUUID } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeUpstream,
  type RecordedRequest,
  startFakeUpstream,
} from '../support/fake-upstream/index.js';
import { createClaudeAccount, createKey, settled, startTestRelay, type TestRelay } from '../support/relay.js';

type MessageParams = Anthropic.MessageCreateParamsNonStreaming;

const HAIKU = 'claude-haiku-4-5';
const SONNET = 'claude-sonnet-4-6';
const OPUS = 'claude-opus-4-1';
/** 64 hex characters, as Claude Code's device id. */
const DEVICE_ID = 'ab'.repeat(32);
/** Keeps this run's prompt prefixes apart from any other run sharing the Redis. */
const RUN = randomUUID();

const RATE_LIMITED = {
  status: 429,
  errorType: 'rate_limit_error',
  errorMessage: 'Number of requests has exceeded your rate limit',
  headers: { 'retry-after': '30' },
};

let conversation = 0;
/** A new conversation each time (its own first message): nothing pins it to an account that served before. */
function fresh(model = HAIKU): MessageParams {
  conversation += 1;
  return { model, max_tokens: 32, messages: [{ role: 'user', content: `${RUN} question ${conversation}` }] };
}

/** Turn `turn` (1-based) of a conversation whose system prompt and first message never change. */
function turnOf(turn: number, system: string, extra: Partial<MessageParams> = {}): MessageParams {
  const messages: Anthropic.MessageParam[] = [
    { role: 'user', content: 'Fix the failing test in src/app.ts' },
  ];
  for (let i = 2; i <= turn; i += 1) {
    messages.push({ role: 'assistant', content: 'Hello from the fake upstream.' });
    messages.push({ role: 'user', content: `Go on (turn ${i})` });
  }
  return { model: HAIKU, max_tokens: 32, system, messages, ...extra };
}

const jsonUserId = (session: string) =>
  JSON.stringify({ device_id: DEVICE_ID, account_uuid: '', session_id: session });
const legacyUserId = (session: string) => `user_${DEVICE_ID}_account_${randomUUID()}_session_${session}`;

interface Pool {
  relay: TestRelay;
  /** One fake upstream per account, in account order. */
  fakes: FakeUpstream[];
  ids: string[];
  client: Anthropic;
  /** A client on a new key with the given settings. */
  clientFor(input?: Parameters<typeof createKey>[1]): Promise<Anthropic>;
  /** Resets fakes and account health, and waits for every lease and ledger entry to be written. */
  clean(): Promise<void>;
  stop(): Promise<void>;
}

/** A relay whose Claude pool has one account per priority given, each on its own fake upstream. */
async function startPool(priorities: number[]): Promise<Pool> {
  const relay = await startTestRelay();
  const fakes = await Promise.all(priorities.map(() => startFakeUpstream()));
  const ids: string[] = [];
  for (const [index, priority] of priorities.entries()) {
    const fake = fakes[index] as FakeUpstream;
    const account = await createClaudeAccount(relay, fake.url, {
      name: `account ${index}`,
      priority,
      credentials: { apiKey: `sk-upstream-${index}` },
    });
    ids.push(account.id);
  }
  const clientFor = async (input: Parameters<typeof createKey>[1] = {}) =>
    new Anthropic({ apiKey: (await createKey(relay, input)).plaintext, baseURL: relay.url, maxRetries: 0 });
  return {
    relay,
    fakes,
    ids,
    client: await clientFor(),
    clientFor,
    async clean() {
      await settled(relay);
      for (const fake of fakes) fake.reset();
      for (const id of ids) await relay.server.services.health.reset(id, 'claude');
    },
    async stop() {
      await relay.stop();
      await Promise.all(fakes.map((fake) => fake.close()));
    },
  };
}

/**
 * Sends one request and says which accounts (indices) received it, one entry per attempt, in account order
 * (a failover can reach two fakes within one millisecond, so arrival times cannot order them). Only for
 * requests sent one at a time.
 */
async function via<T>(pool: Pool, send: () => Promise<T>): Promise<{ accounts: number[]; answer: T }> {
  const before = pool.fakes.map((fake) => fake.requests.length);
  const answer = await send();
  const accounts = pool.fakes.flatMap((fake, index) => fake.requests.slice(before[index]).map(() => index));
  return { accounts, answer };
}

/** The account a request was sent to, one request after another. */
async function servedBy(pool: Pool, client: Anthropic, params: MessageParams, headers = {}): Promise<number> {
  const { accounts } = await via(pool, () => client.messages.create(params, { headers }));
  expect(accounts).toHaveLength(1);
  return accounts[0] as number;
}

function sessionOf(request: RecordedRequest): string {
  const userId = (request.json as { metadata?: { user_id?: string } }).metadata?.user_id ?? '{}';
  return (JSON.parse(userId) as { session_id?: string }).session_id ?? '';
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('the request was expected to fail'),
    (error: unknown) => {
      expect(error).toBeInstanceOf(Anthropic.APIError);
      return error as InstanceType<typeof Anthropic.APIError>;
    },
  );

describe('four equal accounts', () => {
  let pool: Pool;

  beforeAll(async () => {
    pool = await startPool([50, 50, 50, 50]);
  });
  afterAll(() => pool.stop());
  afterEach(() => pool.clean());

  // Two shapes of 400 unrelated requests. Requests of one burst reach the scheduler in the same event-loop
  // turn and are chosen by one script call in one millisecond: when last use was that millisecond, its ties
  // went to the same two accounts in every burst (120/80/120/80 on every run).
  it.each([
    [
      '20 clients sending 20 requests each, one after another',
      () =>
        Promise.all(
          Array.from({ length: 20 }, async () => {
            for (let i = 0; i < 20; i += 1) await pool.client.messages.create(fresh());
          }),
        ),
    ],
    [
      '40 bursts of 10 requests at once',
      async () => {
        for (let burst = 0; burst < 40; burst += 1) {
          await Promise.all(Array.from({ length: 10 }, () => pool.client.messages.create(fresh())));
        }
      },
    ],
  ])('spreads 400 unrelated requests evenly: %s', async (_shape, send) => {
    const startedAt = Date.now();
    await send();
    const counts = pool.fakes.map((fake) => fake.requests.length);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(400);
    // Each account within ±10% of its share of 100.
    for (const count of counts) {
      expect(count, `spread ${counts.join('/')}`).toBeGreaterThanOrEqual(90);
      expect(count, `spread ${counts.join('/')}`).toBeLessThanOrEqual(110);
    }
    // Each account sent its own credential: the fake that recorded a request is the account that served it.
    pool.fakes.forEach((fake, index) => {
      expect(new Set(fake.requests.map((request) => request.headers['x-api-key']))).toEqual(
        new Set([`sk-upstream-${index}`]),
      );
    });
    // The ledger agrees on who served what.
    await settled(pool.relay);
    const ledger = (await pool.relay.server.services.requestLog.recent(1000)).filter(
      (entry) => entry.at >= startedAt,
    );
    expect(ledger).toHaveLength(400);
    expect(pool.ids.map((id) => ledger.filter((entry) => entry.accountId === id).length)).toEqual(counts);
  });

  it('keeps each Claude Code session on one account, and spreads the sessions', async () => {
    // Same system prompt and same messages in every session: only metadata.user_id tells them apart.
    const system = `You are Claude Code. (${RUN} json sessions)`;
    const sessions = Array.from({ length: 10 }, () => randomUUID());
    for (let turn = 1; turn <= 4; turn += 1) {
      // The sessions' turns go out together, so their requests interleave.
      await Promise.all(
        sessions.map((session) =>
          pool.client.messages.create(turnOf(turn, system, { metadata: { user_id: jsonUserId(session) } })),
        ),
      );
    }
    const accountsOf = new Map<string, Set<number>>(sessions.map((session) => [session, new Set<number>()]));
    let seen = 0;
    pool.fakes.forEach((fake, index) => {
      for (const request of fake.requests) {
        accountsOf.get(sessionOf(request))?.add(index);
        seen += 1;
      }
    });
    expect(seen).toBe(40);
    for (const accounts of accountsOf.values()) expect(accounts.size).toBe(1);
    // Were the session id ignored, the identical prompts would pin all ten sessions to one account. Ten
    // sessions placed by load and least-recent use leave no account without one.
    const homes = new Set([...accountsOf.values()].flatMap((accounts) => [...accounts]));
    expect(homes.size).toBe(4);
  });

  it.each([
    [
      'the legacy metadata.user_id',
      (session: string) => ({ extra: { metadata: { user_id: legacyUserId(session) } }, headers: {} }),
    ],
    [
      'the X-Claude-Code-Session-Id header',
      (session: string) => ({ extra: {}, headers: { 'X-Claude-Code-Session-Id': session } }),
    ],
  ])('pins a session named by %s', async (name, identify) => {
    const system = `You are Claude Code. (${RUN} ${name})`;
    const sessions = Array.from({ length: 3 }, () => randomUUID());
    const homes = new Map<string, number[]>(sessions.map((session) => [session, []]));
    // One request at a time, sessions taking turns: without a pin, least-recent use would move each
    // session's second turn to the fourth account.
    for (let turn = 1; turn <= 3; turn += 1) {
      for (const session of sessions) {
        const { extra, headers } = identify(session);
        homes.get(session)?.push(await servedBy(pool, pool.client, turnOf(turn, system, extra), headers));
      }
    }
    for (const accounts of homes.values()) expect(new Set(accounts).size).toBe(1);
    // The bodies are identical: sessions on different accounts prove the named session, not the prompt, pins.
    expect(new Set([...homes.values()].map((accounts) => accounts[0])).size).toBe(3);
  });

  it('moves a session whose account is rate limited, and keeps it where it moved', async () => {
    const startedAt = Date.now();
    const system = `You are Claude Code. (${RUN} re-pin)`;
    const userId = jsonUserId(randomUUID());
    const turn = (n: number) => turnOf(n, system, { metadata: { user_id: userId } });

    const x = await servedBy(pool, pool.client, turn(1));
    pool.fakes[x]?.setDefault(RATE_LIMITED);
    const moved = await via(pool, () => pool.client.messages.create(turn(2)));
    // X answered 429, another account answered the client.
    expect(moved.accounts).toHaveLength(2);
    expect(moved.accounts).toContain(x);
    const y = moved.accounts.find((account) => account !== x) as number;
    expect(y).toBeDefined();
    expect(moved.answer.content[0]).toMatchObject({ type: 'text', text: 'Hello from the fake upstream.' });
    expect(await pool.relay.server.services.health.state(pool.ids[x] as string, 'claude')).toMatchObject({
      kind: 'rate_limited',
      reason: 'rate_limited',
    });

    // Y is now the session's account: least-recent use alone would pick one of the two others next.
    expect(await servedBy(pool, pool.client, turn(3))).toBe(y);
    expect(await servedBy(pool, pool.client, turn(4))).toBe(y);
    // X back in service changes nothing: the pin moved to Y, it does not snap back.
    pool.fakes[x]?.setDefault({});
    await pool.relay.server.services.health.reset(pool.ids[x] as string, 'claude');
    expect(await servedBy(pool, pool.client, turn(5))).toBe(y);
    expect(await servedBy(pool, pool.client, turn(6))).toBe(y);

    await settled(pool.relay);
    const ledger = (await pool.relay.server.services.requestLog.recent(100)).filter(
      (entry) => entry.at >= startedAt,
    );
    const failedOver = ledger.filter((entry) => entry.outcome === 'failed_over');
    expect(failedOver).toHaveLength(1);
    expect(failedOver[0]?.accountId).toBe(pool.ids[x]);
    const answered = ledger.filter((entry) => entry.outcome === 'ok').map((entry) => entry.accountId);
    expect(answered.sort()).toEqual([pool.ids[x], ...Array(5).fill(pool.ids[y])].sort());
  });
});

describe('two equal accounts', () => {
  let pool: Pool;

  beforeAll(async () => {
    pool = await startPool([50, 50]);
  });
  afterAll(() => pool.stop());
  afterEach(() => pool.clean());

  it('does not pin two keys with identical conversations to one account', async () => {
    const first = await pool.clientFor({ name: 'first' });
    const second = await pool.clientFor({ name: 'second' });
    // No session id: each key's conversation is named by the hash of its prompt prefix, the same for both.
    const system = `You are a helpful assistant. (${RUN} two keys)`;
    const x = await servedBy(pool, first, turnOf(1, system));
    // Were the pin shared across keys, the second key would follow the first to X; on its own, the least
    // recently used account (the other one) takes it.
    const y = await servedBy(pool, second, turnOf(1, system));
    expect(y).not.toBe(x);
    // Each key's later turns stay on its own account. Two turns of one key in a row: least-recent use alone
    // would send the second of them to the other account.
    expect(await servedBy(pool, first, turnOf(2, system))).toBe(x);
    expect(await servedBy(pool, first, turnOf(3, system))).toBe(x);
    expect(await servedBy(pool, second, turnOf(2, system))).toBe(y);
    expect(await servedBy(pool, second, turnOf(3, system))).toBe(y);
  });
});

describe('a preferred account and three others', () => {
  const PREFERRED = 0;
  let pool: Pool;
  const health = () => pool.relay.server.services.health;

  beforeAll(async () => {
    // Account 0 comes first by priority: unless it cannot serve, every unbound request goes to it.
    pool = await startPool([1, 2, 2, 2]);
  });
  afterAll(() => pool.stop());
  afterEach(() => pool.clean());

  it('takes an account answering 429 out of rotation until its retry-after', async () => {
    const preferredId = pool.ids[PREFERRED] as string;
    const preferred = pool.fakes[PREFERRED] as FakeUpstream;
    expect(await servedBy(pool, pool.client, fresh())).toBe(PREFERRED);

    preferred.enqueue(RATE_LIMITED);
    // The preferred account is tried first and answers 429; another account answers the client.
    const limited = await via(pool, () => pool.client.messages.create(fresh()));
    expect(limited.accounts).toHaveLength(2);
    expect(limited.accounts.filter((account) => account === PREFERRED)).toHaveLength(1);
    const limitedAt = preferred.requests.at(-1)?.receivedAt ?? 0;

    const state = await health().state(preferredId, 'claude');
    expect(state).toMatchObject({ kind: 'rate_limited', reason: 'rate_limited', families: {} });
    expect(state.until).toBeGreaterThanOrEqual(limitedAt + 28_000);
    expect(state.until).toBeLessThanOrEqual(limitedAt + 32_000);
    const [change] = await health().history(preferredId);
    expect(change).toMatchObject({
      from: 'active',
      to: 'rate_limited',
      reason: 'rate_limited',
      until: state.until,
    });

    // The preferred account would answer these (its queue is empty again), yet none is sent to it.
    const requestsBefore = preferred.requests.length;
    for (let i = 0; i < 20; i += 1) {
      expect(await servedBy(pool, pool.client, fresh())).not.toBe(PREFERRED);
    }
    expect(preferred.requests).toHaveLength(requestsBefore);
  });

  it('takes only the model family a 429 names out of rotation', async () => {
    const preferredId = pool.ids[PREFERRED] as string;
    const preferred = pool.fakes[PREFERRED] as FakeUpstream;
    preferred.enqueue({ ...RATE_LIMITED, errorMessage: 'Opus weekly limit reached' });
    const limited = await via(pool, () => pool.client.messages.create(fresh(OPUS)));
    expect(limited.accounts).toHaveLength(2);
    expect(limited.accounts.filter((account) => account === PREFERRED)).toHaveLength(1);
    const limitedAt = preferred.requests.at(-1)?.receivedAt ?? 0;

    const state = await health().state(preferredId, 'claude');
    expect(state).toMatchObject({ kind: 'active', until: undefined });
    expect(Object.keys(state.families)).toEqual(['opus']);
    expect(state.families.opus).toBeGreaterThanOrEqual(limitedAt + 28_000);
    expect(state.families.opus).toBeLessThanOrEqual(limitedAt + 32_000);
    const [change] = await health().history(preferredId);
    expect(change).toMatchObject({ from: 'active', to: 'rate_limited:opus', family: 'opus' });

    for (let i = 0; i < 5; i += 1) expect(await servedBy(pool, pool.client, fresh(OPUS))).not.toBe(PREFERRED);
    // Other families still go to the account first in priority.
    expect(await servedBy(pool, pool.client, fresh(SONNET))).toBe(PREFERRED);
    expect(await servedBy(pool, pool.client, fresh(HAIKU))).toBe(PREFERRED);
  });

  it('sends every request of a key bound to an account to that account', async () => {
    const bound = await pool.clientFor({ bindings: { claude: { accountId: pool.ids[2] as string } } });
    await Promise.all(Array.from({ length: 10 }, () => bound.messages.create(fresh())));
    expect(pool.fakes.map((fake) => fake.requests.length)).toEqual([0, 0, 10, 0]);
  });

  it('refuses or falls back to the pool when the bound account is rate limited, as the key says', async () => {
    const BOUND = 1;
    const binding = { claude: { accountId: pool.ids[BOUND] as string } };
    const strict = await pool.clientFor({ bindings: binding, bindingFallback: 'fail' });
    const lenient = await pool.clientFor({ bindings: binding, bindingFallback: 'pool' });

    // The bound account's 429 cannot fail over anywhere: the strict key gets the upstream's answer.
    pool.fakes[BOUND]?.enqueue(RATE_LIMITED);
    const upstreamRefusal = await rejection(strict.messages.create(fresh()));
    expect(upstreamRefusal).toMatchObject({ status: 429, error: { error: { type: 'rate_limit_error' } } });
    expect(pool.fakes.map((fake) => fake.requests.length)).toEqual([0, 1, 0, 0]);

    // Now the relay knows: the strict key is refused without an upstream call (no_account_available is
    // 503 / overloaded_error in Anthropic's shape), and told when to come back.
    const refused = await rejection(strict.messages.create(fresh()));
    expect(refused).toMatchObject({
      status: 503,
      error: { type: 'error', error: { type: 'overloaded_error' } },
    });
    const retryAfter = Number(refused.headers?.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(28);
    expect(retryAfter).toBeLessThanOrEqual(30);
    expect(pool.fakes.map((fake) => fake.requests.length)).toEqual([0, 1, 0, 0]);

    // The lenient key takes the pool's best account instead, and comes home once its account is back.
    expect(await servedBy(pool, lenient, fresh())).toBe(PREFERRED);
    await health().reset(pool.ids[BOUND] as string, 'claude');
    expect(await servedBy(pool, lenient, fresh())).toBe(BOUND);
    expect(await servedBy(pool, strict, fresh())).toBe(BOUND);
  });

  it('keeps a key bound to a group on the members while they can serve', async () => {
    const b = 2;
    const c = 3;
    const group = await pool.relay.server.services.groups.create({
      name: `${RUN} group`,
      platform: 'claude',
      memberIds: [pool.ids[b] as string, pool.ids[c] as string],
    });
    const grouped = await pool.clientFor({
      bindings: { claude: { groupId: group.id } },
      bindingFallback: 'pool',
    });

    await Promise.all(Array.from({ length: 20 }, () => grouped.messages.create(fresh())));
    const counts = () => pool.fakes.map((fake) => fake.requests.length);
    // Only members, and both of them (the preferred account, first in the pool, gets nothing).
    expect(counts()[0]).toBe(0);
    expect(counts()[1]).toBe(0);
    expect(counts()[b]).toBeGreaterThan(0);
    expect(counts()[c]).toBeGreaterThan(0);

    // One member rate limited: the other takes everything. B is met once, by the request that finds it
    // limited (least-recent use sends one of the first two requests there), and then left alone.
    pool.fakes[b]?.setDefault(RATE_LIMITED);
    const paths: number[][] = [];
    for (let i = 0; i < 6; i += 1) {
      paths.push((await via(pool, () => grouped.messages.create(fresh()))).accounts);
    }
    for (const accounts of paths) expect(accounts.filter((account) => account === c)).toHaveLength(1);
    expect(paths.flat().filter((account) => account === b)).toHaveLength(1);
    expect(paths.flat().filter((account) => account !== b && account !== c)).toHaveLength(0);

    // Both members limited: the key falls back to the pool, whose best account is the preferred one.
    pool.fakes[c]?.setDefault(RATE_LIMITED);
    const last = await via(pool, () => grouped.messages.create(fresh()));
    expect(last.accounts).toEqual([PREFERRED, c]);
    expect(await servedBy(pool, grouped, fresh())).toBe(PREFERRED);
  });
});
