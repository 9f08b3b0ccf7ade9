// Droid accounts signed in with WorkOS (a Droid CLI sign-in's tokens) through a running relay: an expired access
// token is refreshed at the fake WorkOS before the call, and the new one is what the fake Factory gateway gets; a
// token Factory refuses (401) before its time fails that request but keeps the account in service, and the next
// request refreshes and is answered.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { type FakeWorkOS, startFakeWorkOS } from '../support/fake-workos.js';
import { lastEntry } from '../support/ledger.js';
import { createKey, startTestRelay, type TestRelay } from '../support/relay.js';

const MODEL = 'gpt-5-mini';
const MESSAGES = [{ role: 'user' as const, content: 'Say hello' }];

describe('droid accounts on a WorkOS sign-in', () => {
  let workos: FakeWorkOS;
  let fake: FakeUpstream;
  let relay: TestRelay;
  let client: OpenAI;

  beforeAll(async () => {
    workos = await startFakeWorkOS();
    // Factory takes the WorkOS access tokens that are live at the fake WorkOS, nothing else.
    fake = await startFakeUpstream({ factoryToken: (token) => workos.isLiveAccessToken(token) });
    relay = await startTestRelay({ env: workos.env() });
    const issued = await createKey(relay);
    client = new OpenAI({ apiKey: issued.plaintext, baseURL: `${relay.url}/droid/comm/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await relay.stop();
    await fake.close();
    await workos.close();
  });
  beforeEach(() => fake.reset());

  async function signedInAccount(lifetimeSeconds: number) {
    const tokens = workos.issueTokens(lifetimeSeconds);
    const account = await relay.server.services.accounts.create({
      type: 'droid',
      name: 'droid sign-in',
      baseUrl: `${fake.url}/api/llm`,
      credentials: tokens,
    });
    return { account, tokens };
  }

  it('refreshes an expired access token before the call and sends the new one', async () => {
    const { account, tokens } = await signedInAccount(-60);
    const refreshesBefore = workos.calls.refresh;
    try {
      const completion = await client.chat.completions.create({ model: MODEL, messages: MESSAGES });
      expect(completion.choices[0]?.message.content).toBe('Hello from the fake upstream.');
      expect(workos.calls.refresh).toBe(refreshesBefore + 1);
      expect(workos.bodies.at(-1)).toMatchObject({
        grant_type: 'refresh_token',
        refresh_token: tokens.refreshToken,
      });
      const sent = fake.requests[0]?.headers.authorization?.replace('Bearer ', '') ?? '';
      expect(sent).not.toBe(tokens.accessToken);
      expect(workos.isLiveAccessToken(sent)).toBe(true);
      expect(await lastEntry(relay)).toMatchObject({
        accountId: account.id,
        platform: 'droid',
        outcome: 'ok',
      });
    } finally {
      await relay.server.services.accounts.delete(account.id);
    }
  });

  it('keeps an account whose token Factory refused in service, and refreshes it for the next request', async () => {
    const { account, tokens } = await signedInAccount(3600);
    try {
      await client.chat.completions.create({ model: MODEL, messages: MESSAGES });
      expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${tokens.accessToken}`);
      const refreshesBefore = workos.calls.refresh;

      // The session was signed out elsewhere: Factory refuses the token well before its expiry.
      workos.revokeAccessTokens();
      const refused = await client.chat.completions
        .create({ model: MODEL, messages: MESSAGES })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(OpenAI.APIError);
      expect((await relay.server.services.health.state(account.id, 'droid')).kind).toBe('active');

      const answered = await client.chat.completions.create({ model: MODEL, messages: MESSAGES });
      expect(answered.choices[0]?.message.content).toBe('Hello from the fake upstream.');
      expect(workos.calls.refresh).toBe(refreshesBefore + 1);
      const last = fake.requests.at(-1)?.headers.authorization?.replace('Bearer ', '') ?? '';
      expect(workos.isLiveAccessToken(last)).toBe(true);
    } finally {
      await relay.server.services.accounts.delete(account.id);
    }
  });
});
