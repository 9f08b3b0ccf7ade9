import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncryptionKeyMismatchError } from '../../src/services/crypto/key-check.js';
import type { FakeUpstream } from '../support/fake-upstream/index.js';
import {
  createClaudeAccount,
  createKey,
  type RelayPair,
  settled,
  startRelayPair,
  startTestRelay,
  type TestRelay,
} from '../support/relay.js';

describe('two relay instances on one Redis', () => {
  let pair: RelayPair;
  let fake: FakeUpstream;
  let first: TestRelay;
  let second: TestRelay;

  beforeAll(async () => {
    pair = await startRelayPair({ withAccount: false });
    ({ fake, first, second } = pair);
  });
  afterAll(() => pair.stop());

  const ask = (relay: TestRelay, apiKey: string) =>
    new Anthropic({ apiKey, baseURL: relay.url, maxRetries: 0 }).messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'hi' }],
    });

  it('serve the same keys and accounts, and share the ledger', async () => {
    await createClaudeAccount(first, fake.url);
    const issued = await createKey(second);
    await ask(first, issued.plaintext);
    await ask(second, issued.plaintext);
    await settled(first);
    await settled(second);
    const entries = await first.server.services.requestLog.recent(10);
    expect(entries.filter((entry) => entry.keyId === issued.key.id)).toHaveLength(2);
  });

  it('refuse to start an instance whose encryption key differs from the data', async () => {
    const error = await startTestRelay({
      prefix: first.prefix,
      env: { ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64') },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EncryptionKeyMismatchError);
  });

  it('stop accepting a key disabled on the other instance within one second', async () => {
    const issued = await createKey(first);
    // Both instances have the key cached as valid.
    await ask(first, issued.plaintext);
    await ask(second, issued.plaintext);

    const disabledAt = performance.now();
    await first.server.services.apiKeys.setEnabled(issued.key.id, false);
    let refusedAfter: number | undefined;
    while (performance.now() - disabledAt < 2000) {
      const status = await ask(second, issued.plaintext).then(
        () => 200,
        (error: unknown) => (error instanceof Anthropic.APIError ? error.status : 0),
      );
      if (status === 401) {
        refusedAfter = performance.now() - disabledAt;
        break;
      }
    }
    expect(refusedAfter).toBeDefined();
    expect(refusedAfter).toBeLessThan(1000);
  });
});
