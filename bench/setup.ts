// Bench set-up against the relay's Redis: the account and key it serves, a smoke request, key clean-up.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { SECRETS_FILE } from '../src/config/secrets.js';
import { createLogger } from '../src/lib/logger.js';
import { createServices } from '../src/services/container.js';

/** Creates the account and the relay key with the services, sealing secrets with the relay's own key. */
export async function provision(
  redisUrl: string,
  prefix: string,
  dataDir: string,
  fakeUrl: string,
): Promise<string> {
  const secrets = JSON.parse(readFileSync(path.join(dataDir, SECRETS_FILE), 'utf8')) as {
    encryptionKey: string;
    encryptionKeyId: string;
    tokenSigningKey: string;
  };
  const services = await createServices({
    redisUrl,
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
    const issued = await services.apiKeys.create({
      name: 'bench',
      limits: {
        concurrency: 10_000,
        window: { seconds: 60, mode: 'sliding', requests: 1_000_000_000 },
        dailyCostMicros: 1_000_000_000_000,
      },
    });
    return issued.plaintext;
  } finally {
    await services.stop();
  }
}

/** One request before measuring: a misconfiguration should fail loudly, not as a table of 401s. */
export async function checkOnce(relayUrl: string, relayKey: string): Promise<void> {
  const response = await fetch(`${relayUrl}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': relayKey },
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
