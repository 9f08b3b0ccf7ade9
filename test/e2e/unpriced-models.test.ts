// A model nobody can price (a misspelling, a brand-new name) is never billed $0 in silence: by default it is
// relayed with a header saying its cost is unknown, flagged in the ledger and counted in system status; with
// UNPRICED_MODELS=refuse it is refused before anything is spent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { createClaudeAccount, createKey, settled, startTestRelay, type TestRelay } from '../support/relay.js';
import { postJson } from '../support/sse-client.js';

const MISSPELLED = 'claude-sonet-4-5';
const body = (model: string) => ({ model, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });

describe('unpriced models', () => {
  let fake: FakeUpstream;
  let allowing: TestRelay;
  let refusing: TestRelay;

  beforeAll(async () => {
    fake = await startFakeUpstream();
    allowing = await startTestRelay();
    refusing = await startTestRelay({ env: { UNPRICED_MODELS: 'refuse' } });
    await createClaudeAccount(allowing, fake.url);
    await createClaudeAccount(refusing, fake.url);
  });
  afterAll(async () => {
    await allowing.stop();
    await refusing.stop();
    await fake.close();
  });

  it('relays them by default, says the cost is unknown, flags the entry and counts it', async () => {
    const { key, plaintext } = await createKey(allowing);
    const unpriced = await postJson(`${allowing.url}/v1/messages`, body(MISSPELLED), {
      'x-api-key': plaintext,
    });
    expect(unpriced.status).toBe(200);
    expect(unpriced.headers['x-relay-cost']).toBe('unknown');
    const priced = await postJson(`${allowing.url}/v1/messages`, body('claude-haiku-4-5'), {
      'x-api-key': plaintext,
    });
    expect(priced.headers['x-relay-cost']).toBeUndefined();
    await settled(allowing);

    const entries = (await allowing.server.services.requestLog.recent(10)).filter(
      (entry) => entry.keyId === key.id,
    );
    const flagged = entries.find((entry) => entry.model === MISSPELLED);
    expect(flagged).toMatchObject({ costMicros: 0, prices: undefined, outcome: 'ok' });
    expect(entries.find((entry) => entry.model === 'claude-haiku-4-5')?.prices).toBeDefined();

    const admin = { userId: 'usr_admin', username: 'admin', role: 'admin' as const, familyId: 'fam_x' };
    const status = await allowing.server.services.control.system.status(admin);
    expect(status.unpriced).toEqual({ requests: 1, models: [MISSPELLED] });
  });

  it('refuses them with 400 before anything is spent when configured to', async () => {
    const { key, plaintext } = await createKey(refusing);
    const before = fake.requests.length;
    const refused = await postJson(`${refusing.url}/v1/messages`, body(MISSPELLED), {
      'x-api-key': plaintext,
    });
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text)).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', details: { field: 'model', reason: 'unpriced_model' } },
    });
    expect(JSON.parse(refused.text).error.message).toMatch(/no known price/);
    expect(fake.requests.length).toBe(before);
    const served = await postJson(`${refusing.url}/v1/messages`, body('claude-haiku-4-5'), {
      'x-api-key': plaintext,
    });
    expect(served.status).toBe(200);
    await settled(refusing);
    const entries = (await refusing.server.services.requestLog.recent(10)).filter(
      (entry) => entry.keyId === key.id,
    );
    expect(entries.map((entry) => entry.model)).toEqual(['claude-haiku-4-5']);
  });
});
