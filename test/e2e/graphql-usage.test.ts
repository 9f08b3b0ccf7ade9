// Usage through GraphQL after real relay traffic (official Anthropic SDK, fake upstream): time series and
// top-N with cost, the ledger's filters and pages, member scoping, the key holder's own view, validation
// errors naming the field, and the query limits.
import Anthropic from '@anthropic-ai/sdk';
import { parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';
import { queryLimitRules } from '../../src/schema/limits.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import {
  ADMIN_PASSWORD,
  type Caller,
  dataOf,
  errorOf,
  graphql,
  signedInUser,
  signIn,
} from '../support/graphql.js';
import { createClaudeAccount, createKey, settled, startTestRelay, type TestRelay } from '../support/relay.js';

interface Totals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
  costUsd: number;
}

describe('usage over GraphQL', () => {
  let relay: TestRelay;
  let upstream: FakeUpstream;
  let admin: Caller;
  let alice: Caller;
  let bob: Caller;
  let aliceKey: { id: string; plaintext: string };
  let bobKey: { id: string; plaintext: string };
  let accountId: string;
  const from = new Date(Date.now() - 3_600_000).toISOString();
  let to: string;

  const ask = (apiKey: string, model = 'claude-sonnet-4-5') =>
    new Anthropic({ apiKey, baseURL: relay.url, maxRetries: 0 }).messages.create({
      model,
      max_tokens: 16,
      messages: [{ role: 'user', content: 'hi' }],
    });

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    relay = await startTestRelay();
    accountId = (await createClaudeAccount(relay, upstream.url)).id;
    admin = { token: await signIn(relay, 'admin', ADMIN_PASSWORD) };
    const aliceUser = await signedInUser(relay, 'alice', 'member');
    const bobUser = await signedInUser(relay, 'bob', 'member');
    alice = { token: aliceUser.token };
    bob = { token: bobUser.token };
    const a = await createKey(relay, { name: 'alice key', ownerId: aliceUser.id });
    const b = await createKey(relay, { name: 'bob key', ownerId: bobUser.id });
    aliceKey = { id: a.key.id, plaintext: a.plaintext };
    bobKey = { id: b.key.id, plaintext: b.plaintext };
    await ask(aliceKey.plaintext);
    await ask(aliceKey.plaintext, 'claude-haiku-4-5');
    await ask(bobKey.plaintext);
    await settled(relay);
    to = new Date(Date.now() + 1000).toISOString();
  });
  afterAll(async () => {
    await relay.stop();
    await upstream.close();
  });

  const SERIES = `query ($d: UsageDimension!, $id: String, $g: Granularity!, $from: DateTime!, $to: DateTime!) {
    usageSeries(dimension: $d, id: $id, granularity: $g, from: $from, to: $to) {
      granularity
      points { period start totals { requests costMicros } }
      totals { requests inputTokens outputTokens costMicros costUsd }
    }
  }`;
  const series = (caller: Caller, d: string, id: string | undefined, g = 'hour') =>
    graphql(relay, caller, SERIES, { d, id, g, from, to });
  const TOP = `query ($d: RankDimension!, $limit: Int, $from: DateTime!, $to: DateTime!) {
    usageTop(dimension: $d, limit: $limit, granularity: day, from: $from, to: $to) { entity requests costMicros costUsd }
  }`;
  const LEDGER = `query ($filter: RequestLogFilter, $first: Int, $after: String) {
    requestLog(filter: $filter, first: $first, after: $after) {
      nodes { id keyId accountId model outcome inputTokens outputTokens costMicros stream status }
      pageInfo { hasNextPage endCursor }
    }
  }`;
  type LedgerPage = {
    nodes: Array<{ id: string; keyId: string; model: string; outcome: string; costMicros: number }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };

  it('gives time series with cost by hour, day and month', async () => {
    const global = dataOf<{ totals: Totals; points: Array<{ totals: Totals }> }>(
      await series(admin, 'global', undefined),
      'usageSeries',
    );
    expect(global.totals.requests).toBe(3);
    expect(global.totals.costMicros).toBeGreaterThan(0);
    expect(global.totals.costUsd).toBeCloseTo(global.totals.costMicros / 1e6, 10);
    expect(global.points.reduce((sum, point) => sum + point.totals.requests, 0)).toBe(3);
    for (const granularity of ['day', 'month']) {
      const coarse = dataOf<{ totals: Totals }>(
        await series(admin, 'global', undefined, granularity),
        'usageSeries',
      );
      expect(coarse.totals).toEqual(global.totals);
    }
    const account = dataOf<{ totals: Totals }>(await series(admin, 'account', accountId), 'usageSeries');
    expect(account.totals.requests).toBe(3);
    const model = dataOf<{ totals: Totals }>(await series(admin, 'model', 'claude-haiku-4-5'), 'usageSeries');
    expect(model.totals.requests).toBe(1);
  });

  it('ranks keys, accounts and models by cost', async () => {
    const keys = dataOf<Array<{ entity: string; requests: number; costMicros: number }>>(
      await graphql(relay, admin, TOP, { d: 'key', from, to }),
      'usageTop',
    );
    expect(keys.map((entry) => [entry.entity, entry.requests])).toEqual([
      [aliceKey.id, 2],
      [bobKey.id, 1],
    ]);
    expect(keys[0]?.costMicros).toBeGreaterThan(keys[1]?.costMicros ?? Number.POSITIVE_INFINITY);
    const models = dataOf<Array<{ entity: string }>>(
      await graphql(relay, admin, TOP, { d: 'model', limit: 1, from, to }),
      'usageTop',
    );
    expect(models.map((entry) => entry.entity)).toEqual(['claude-sonnet-4-5']);
  });

  it('keeps members to their own keys', async () => {
    const own = dataOf<{ totals: Totals }>(await series(alice, 'key', aliceKey.id), 'usageSeries');
    expect(own.totals.requests).toBe(2);
    expect(errorOf(await series(alice, 'key', bobKey.id))?.extensions?.code).toBe('NOT_FOUND');
    expect(errorOf(await series(alice, 'global', undefined))?.extensions?.code).toBe('PERMISSION_DENIED');
    expect(errorOf(await graphql(relay, alice, TOP, { d: 'model', from, to }))?.extensions?.code).toBe(
      'PERMISSION_DENIED',
    );
    const ranked = dataOf<Array<{ entity: string }>>(
      await graphql(relay, bob, TOP, { d: 'key', from, to }),
      'usageTop',
    );
    expect(ranked.map((entry) => entry.entity)).toEqual([bobKey.id]);
    const ledger = dataOf<LedgerPage>(await graphql(relay, alice, LEDGER, {}), 'requestLog');
    expect(ledger.nodes.map((entry) => entry.keyId)).toEqual([aliceKey.id, aliceKey.id]);
    const others = await graphql(relay, alice, LEDGER, { filter: { keyId: bobKey.id } });
    expect(errorOf(others)?.extensions?.code).toBe('NOT_FOUND');
    const limits = await graphql(relay, alice, 'query ($id: ID!) { apiKeyLimits(id: $id) { keyId } }', {
      id: bobKey.id,
    });
    expect(errorOf(limits)?.extensions?.code).toBe('NOT_FOUND');
  });

  it('filters and pages the ledger', async () => {
    const all = dataOf<LedgerPage>(await graphql(relay, admin, LEDGER, {}), 'requestLog');
    expect(all.nodes).toHaveLength(3);
    expect(all.nodes.every((entry) => entry.outcome === 'ok' && entry.costMicros > 0)).toBe(true);
    expect(all.pageInfo.hasNextPage).toBe(false);

    const byKey = dataOf<LedgerPage>(
      await graphql(relay, admin, LEDGER, { filter: { keyId: bobKey.id } }),
      'requestLog',
    );
    expect(byKey.nodes.map((entry) => entry.keyId)).toEqual([bobKey.id]);
    const byModel = dataOf<LedgerPage>(
      await graphql(relay, admin, LEDGER, { filter: { model: 'claude-haiku-4-5', accountId } }),
      'requestLog',
    );
    expect(byModel.nodes.map((entry) => entry.model)).toEqual(['claude-haiku-4-5']);
    const failed = dataOf<LedgerPage>(
      await graphql(relay, admin, LEDGER, { filter: { outcome: 'upstream_error' } }),
      'requestLog',
    );
    expect(failed.nodes).toEqual([]);
    const later = dataOf<LedgerPage>(
      await graphql(relay, admin, LEDGER, { filter: { from: to } }),
      'requestLog',
    );
    expect(later.nodes).toEqual([]);

    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: LedgerPage = dataOf<LedgerPage>(
        await graphql(relay, admin, LEDGER, { first: 1, after }),
        'requestLog',
      );
      seen.push(...page.nodes.map((entry) => entry.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(all.nodes.map((entry) => entry.id));
  });

  it('lets a key holder read their own key with the relay key alone', async () => {
    const VIEW = `query ($from: DateTime!, $to: DateTime!) {
      myApiKey { key { id name } limits { keyId } usage(granularity: hour, from: $from, to: $to) { totals { requests } }
        recentRequests(first: 10) { keyId accountId model } }
    }`;
    const view = dataOf<{
      key: { id: string };
      limits: { keyId: string };
      usage: { totals: Totals };
      recentRequests: Array<{ keyId: string; accountId: string | null; model: string }>;
    }>(await graphql(relay, { apiKey: aliceKey.plaintext }, VIEW, { from, to }), 'myApiKey');
    expect(view.key.id).toBe(aliceKey.id);
    expect(view.limits.keyId).toBe(aliceKey.id);
    expect(view.usage.totals.requests).toBe(2);
    // Alice's two requests, newest first; not Bob's, and not which account served them.
    expect(view.recentRequests).toEqual([
      { keyId: aliceKey.id, accountId: null, model: 'claude-haiku-4-5' },
      { keyId: aliceKey.id, accountId: null, model: expect.any(String) },
    ]);
    // The relay key opens nothing else, and a wrong one opens nothing at all.
    const keys = await graphql(relay, { apiKey: aliceKey.plaintext }, '{ apiKeys { nodes { id } } }');
    expect(errorOf(keys)?.extensions?.code).toBe('UNAUTHENTICATED');
    const wrong = await graphql(relay, { apiKey: `${aliceKey.plaintext}x` }, VIEW, { from, to });
    expect(errorOf(wrong)?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers invalid input with a validation error naming the field, never a 500', async () => {
    const cases: Array<[string, Record<string, unknown>, string, string]> = [
      ['query ($id: ID!) { apiKey(id: $id) { id } }', { id: '' }, 'INVALID_REQUEST', 'id'],
      ['query ($id: ID!) { account(id: $id) { id } }', { id: 'x'.repeat(5000) }, 'INVALID_REQUEST', 'id'],
      ['query ($id: ID!) { user(id: $id) { id } }', { id: 'usr_missing' }, 'NOT_FOUND', ''],
      ['{ accounts(first: -1) { nodes { id } } }', {}, 'INVALID_REQUEST', 'first'],
      ['{ users(first: 1, after: "") { nodes { id } } }', {}, 'INVALID_REQUEST', 'after'],
      [
        'query ($from: DateTime!, $to: DateTime!) { usageTop(dimension: key, limit: -1, granularity: day, from: $from, to: $to) { entity } }',
        { from, to },
        'INVALID_REQUEST',
        'limit',
      ],
      [
        'mutation { setPriceOverride(model: "m", prices: { input: -1, output: 1, cacheRead: 1, cacheWrite5m: 1, cacheWrite1h: 1 }) { model } }',
        {},
        'INVALID_REQUEST',
        'input',
      ],
      [
        'mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }',
        { input: { username: 'newbie', password: 'a long enough password', role: 'superuser' } },
        'BAD_USER_INPUT',
        'input.role',
      ],
      [
        'mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }',
        { input: { username: 'n'.repeat(10_000), password: 'a long enough password', role: 'viewer' } },
        'INVALID_REQUEST',
        'username',
      ],
      [
        'mutation ($input: CreateAccountInput!) { createAccount(input: $input) { id } }',
        { input: { name: 'n'.repeat(5000), type: 'claude_console', credentials: { apiKey: 'k' } } },
        'INVALID_REQUEST',
        'name',
      ],
      [
        'mutation ($input: CreateAccountInput!) { createAccount(input: $input) { id } }',
        { input: { name: 'n', type: 'claude_console', maxConcurrency: -5, credentials: { apiKey: 'k' } } },
        'INVALID_REQUEST',
        'maxConcurrency',
      ],
      [
        'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { plaintext } }',
        { input: { name: 'k', limits: { dailyCostMicros: -1 } } },
        'INVALID_REQUEST',
        'limits.dailyCostMicros',
      ],
      [
        'query ($after: String) { requestLog(after: $after) { nodes { id } } }',
        { after: 'garbage' },
        'INVALID_REQUEST',
        'after',
      ],
      [
        'query ($from: DateTime!) { usageSeries(dimension: global, granularity: hour, from: $from, to: "2030-01-01T00:00:00Z") { granularity } }',
        { from },
        'INVALID_REQUEST',
        'to',
      ],
      [
        'query ($from: DateTime!) { usageSeries(dimension: global, granularity: hour, from: $from, to: $from) { granularity } }',
        { from: 'yesterday' },
        'BAD_USER_INPUT',
        'from',
      ],
    ];
    for (const [document, variables, code, field] of cases) {
      const error = errorOf(await graphql(relay, admin, document, variables));
      expect({ document, code: error?.extensions?.code }).toEqual({ document, code });
      if (field)
        expect({ document, field: error?.extensions?.field }).toEqual({
          document,
          field: expect.stringContaining(field),
        });
    }
  });

  it('refuses documents that are too deep, too costly or too aliased', async () => {
    const aliases = Array.from({ length: 25 }, (_, index) => `a${index}: me { id }`).join(' ');
    expect(errorOf(await graphql(relay, admin, `{ ${aliases} }`))?.extensions?.code).toBe('TOO_MANY_ALIASES');

    const accountFields =
      'id name description type platform baseUrl authHeader region proxy { protocol host port username } ' +
      'priority weight maxConcurrency schedulable modelMapping { from to } supportedModels enabled disabledReason ' +
      'createdAt updatedAt live { kind until reason familyLimits { family until } lowHeadroom } ' +
      'history { accountId at from to until reason family } ' +
      'connectionTests { accountId at ok status latencyMs model message }';
    const costly = Array.from(
      { length: 18 },
      (_, index) => `a${index}: accounts { nodes { ${accountFields} } }`,
    );
    expect(errorOf(await graphql(relay, admin, `{ ${costly.join(' ')} }`))?.extensions?.code).toBe(
      'QUERY_TOO_COSTLY',
    );

    // No field of the schema nests this deep, so the depth rule is checked on the document alone.
    const deep = `{ ${'a { '.repeat(12)}b${' }'.repeat(12)} }`;
    const errors = validate(schema, parse(deep), queryLimitRules);
    expect(errors.map((error) => error.extensions.code)).toContain('QUERY_TOO_DEEP');
  });
});
