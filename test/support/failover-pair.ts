// Two accounts of one pool behind one relay for fault tests (OpenAI by default): `failing` (tried first,
// priority 1) and `healthy`, each on its own fake upstream, with a key; reset between tests so every test starts
// with both in service.
import type { Account, CreateAccountInput } from '../../src/services/accounts/account-types.js';
import type { Platform } from '../../src/services/domain/platforms.js';
import { type FakeUpstream, startFakeUpstream } from './fake-upstream/index.js';
import { createKey, createOpenAIAccount, startTestRelay, type TestRelay } from './relay.js';

export interface FailoverPool {
  platform: Platform;
  /** The upstream key the fakes check, when the accounts' kind is checked by one. */
  upstreamKey?: string;
  create(relay: TestRelay, fakeUrl: string, overrides: Partial<CreateAccountInput>): Promise<Account>;
}

const OPENAI: FailoverPool = { platform: 'openai', create: createOpenAIAccount };

export interface FailoverPair {
  failing: FakeUpstream;
  healthy: FakeUpstream;
  relay: TestRelay;
  failingId: string;
  healthyId: string;
  keyId: string;
  key: string;
  /** Clears both fakes' scenarios and records and puts both accounts back in service. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFailoverPair(pool: FailoverPool = OPENAI): Promise<FailoverPair> {
  const fakeOptions = pool.upstreamKey === undefined ? {} : { apiKey: pool.upstreamKey };
  const failing = await startFakeUpstream(fakeOptions);
  const healthy = await startFakeUpstream(fakeOptions);
  const relay = await startTestRelay({ env: { ERROR_COOLDOWN_MS: '1500', UPSTREAM_IDLE_TIMEOUT_MS: '500' } });
  // The failing account has the better priority: every request tries it first while it is in service.
  const failingId = (await pool.create(relay, failing.url, { name: 'A', priority: 1 })).id;
  const healthyId = (await pool.create(relay, healthy.url, { name: 'B', priority: 2 })).id;
  const issued = await createKey(relay);
  return {
    failing,
    healthy,
    relay,
    failingId,
    healthyId,
    keyId: issued.key.id,
    key: issued.plaintext,
    async reset() {
      failing.reset();
      healthy.reset();
      await relay.server.services.health.reset(failingId, pool.platform);
      await relay.server.services.health.reset(healthyId, pool.platform);
    },
    async stop() {
      await relay.stop();
      await failing.close();
      await healthy.close();
    },
  };
}
