// Connection tests of accounts: a tiny request, its result and latency recorded, and what it says about the
// account applied to its state. Also account groups' membership rules.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeBedrock, startFakeBedrock } from '../support/fake-bedrock/index.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import {
  createBedrockAccount,
  createClaudeAccount,
  startTestRelay,
  type TestRelay,
} from '../support/relay.js';

describe('account connection tests', () => {
  let upstream: FakeUpstream;
  let bedrock: FakeBedrock;
  let relay: TestRelay;
  let accountId: string;

  beforeAll(async () => {
    upstream = await startFakeUpstream({ apiKey: 'sk-ant-upstream-secret' });
    bedrock = await startFakeBedrock();
    relay = await startTestRelay();
    accountId = (await createClaudeAccount(relay, upstream.url)).id;
  });
  afterAll(async () => {
    await relay.stop();
    await upstream.close();
    await bedrock.close();
  });
  afterEach(() => upstream.reset());

  it('sends one tiny request and records a success with its latency', async () => {
    const result = await relay.server.tester.test(accountId);
    expect(result).toMatchObject({ accountId, ok: true, status: 200, model: 'claude-haiku-4-5' });
    expect(result.latencyMs).toBeGreaterThan(0);
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]?.json).toMatchObject({ max_tokens: 1, model: 'claude-haiku-4-5' });
    expect(await relay.server.services.connectionTests.recent(accountId)).toEqual([result]);
  });

  it('records a refusal with the upstream message, takes the account out, and a later success puts it back', async () => {
    const { health, connectionTests, accounts } = relay.server.services;
    await accounts.update(accountId, { credentials: { apiKey: 'sk-ant-wrong' } });
    const failed = await relay.server.tester.test(accountId);
    expect(failed).toMatchObject({ ok: false, status: 401 });
    expect(failed.message).toMatch(/invalid x-api-key/i);
    expect((await health.state(accountId, 'claude')).kind).toBe('auth_failed');

    await accounts.update(accountId, { credentials: { apiKey: 'sk-ant-upstream-secret' } });
    expect((await relay.server.tester.test(accountId)).ok).toBe(true);
    expect(await health.state(accountId, 'claude')).toMatchObject({ kind: 'active' });
    expect((await health.history(accountId))[0]).toMatchObject({ to: 'active', reason: 'connection_test' });
    expect((await connectionTests.recent(accountId)).map((result) => result.ok)).toEqual([true, false, true]);
  });

  it('reports an unreachable upstream without a status', async () => {
    const dead = await createClaudeAccount(relay, 'http://127.0.0.1:1', { name: 'dead' });
    const result = await relay.server.tester.test(dead.id);
    expect(result).toMatchObject({ ok: false });
    expect(result.status).toBeUndefined();
    expect(result.message).toMatch(/ECONNREFUSED/);
    expect((await relay.server.services.health.state(dead.id, 'claude')).kind).toBe('cooling');
    await relay.server.services.accounts.delete(dead.id);
  });

  it('tests a bedrock account through a signed call', async () => {
    const account = await createBedrockAccount(relay, bedrock.url);
    const result = await relay.server.tester.test(account.id);
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(bedrock.calls[0]).toMatchObject({ operation: 'invoke', rejected: undefined });
  });

  it('refuses to test an account that does not exist', async () => {
    await expect(relay.server.tester.test('acc_missing')).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('account groups', () => {
  let relay: TestRelay;

  beforeAll(async () => {
    relay = await startTestRelay();
  });
  afterAll(async () => {
    await relay.stop();
  });

  it('keeps members of its own pool only; a deleted group has no members left for bound keys', async () => {
    const { groups } = relay.server.services;
    const one = await createClaudeAccount(relay, 'http://127.0.0.1:1', { name: 'one' });
    const two = await createClaudeAccount(relay, 'http://127.0.0.1:1', { name: 'two' });
    const group = await groups.create({ name: 'team', platform: 'claude', memberIds: [one.id] });
    expect((await groups.addMembers(group.id, [two.id, one.id])).memberIds).toEqual([one.id, two.id]);
    await expect(groups.addMembers(group.id, ['acc_missing'])).rejects.toMatchObject({
      code: 'invalid_request',
      details: { field: 'memberIds' },
    });
    await expect(
      groups.create({ name: 'gem', platform: 'gemini', memberIds: [one.id] }),
    ).rejects.toMatchObject({
      code: 'invalid_request',
    });
    expect((await groups.removeMembers(group.id, [one.id])).memberIds).toEqual([two.id]);
    expect(await groups.members(group.id)).toEqual(new Set([two.id]));
    expect((await groups.list()).items.map((item) => item.id)).toEqual([group.id]);

    await groups.delete(group.id);
    expect(await groups.members(group.id)).toEqual(new Set());
    await expect(groups.delete(group.id)).rejects.toMatchObject({ code: 'not_found' });
  });
});
