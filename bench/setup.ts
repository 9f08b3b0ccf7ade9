// Bench set-up against the relay's Redis: the account and key it serves, a smoke request, key clean-up.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { SECRETS_FILE } from '../src/config/secrets.js';
import { createLogger } from '../src/lib/logger.js';
import type { RedisEndpoint } from '../src/lib/redis-endpoint.js';
import { createServices } from '../src/services/container.js';
import type { Caller } from './options.js';

/** Creates the account and the relay key with the services, sealing secrets with the relay's own key. */
export async function provision(
  redis: RedisEndpoint,
  prefix: string,
  dataDir: string,
  fakeUrl: string,
  caller: Caller,
  /** The key's concurrency limit: the most requests the bench keeps in flight at once (a key takes at most 10,000). */
  concurrency = 10_000,
): Promise<Record<string, string>> {
  const secrets = JSON.parse(readFileSync(path.join(dataDir, SECRETS_FILE), 'utf8')) as {
    encryptionKey: string;
    encryptionKeyId: string;
    tokenSigningKey: string;
  };
  const services = await createServices({
    redis,
    keyPrefix: prefix,
    encryptionKey: { id: secrets.encryptionKeyId, key: Buffer.from(secrets.encryptionKey, 'base64') },
    tokenSigningKey: secrets.tokenSigningKey,
    apiKeyPrefix: 'cr_',
    ledgerMaxEntries: 1_000_000,
    retention: { hour: 14, day: 400, month: 3650 },
    runJobs: false,
    logger: createLogger({ level: 'silent' }),
    name: 'bench-setup',
  });
  try {
    await services.accounts.create({
      type: 'claude-console',
      name: 'bench fake upstream',
      baseUrl: fakeUrl,
      credentials: { apiKey: 'bench-upstream-key' },
    });
    // Limits that never bind but make every request pay for the whole admission: a concurrency lease, a rate
    // window and a cost reservation against a daily limit.
    // A person's key (or their signed-in device) also pays for the person's spend counters, under a cap.
    const owner =
      caller === 'key'
        ? undefined
        : await services.users.create({
            username: 'bench-user',
            password: 'bench user password',
            role: 'member',
          });
    const issued = await services.apiKeys.create({
      name: 'bench',
      ...(owner ? { ownerId: owner.id } : {}),
      limits: {
        concurrency,
        window: { seconds: 60, mode: 'sliding', requests: 1_000_000_000 },
        dailyCostMicros: 1_000_000_000_000,
      },
    });
    if (!owner) return { 'x-api-key': issued.plaintext };
    await services.spendLimits.set({
      scope: { type: 'user', userId: owner.id },
      period: 'daily',
      amountCents: 100_000_000,
    });
    if (caller === 'owned-key') return { 'x-api-key': issued.plaintext };
    const { gateway } = services;
    const signIn = await gateway.authorize({
      surface: 'claude_code',
      userAgent: 'bench',
      address: '127.0.0.1',
    });
    await gateway.approve(owner, signIn.userCode, issued.key.id);
    const tokens = await gateway.exchangeDeviceCode(signIn.deviceCode);
    return { authorization: `Bearer ${tokens.accessToken}` };
  } finally {
    await services.stop();
  }
}

/** One request before measuring: a misconfiguration should fail loudly, not as a table of 401s. */
export async function checkOnce(relayUrl: string, callerHeaders: Record<string, string>): Promise<void> {
  const response = await fetch(`${relayUrl}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...callerHeaders },
    body: JSON.stringify({
      model: 'claude-haiku-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
    }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`relay smoke request failed: ${response.status} ${text.slice(0, 500)}`);
}

export async function deletePrefixed(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}
