// What keys imported from Claude Relay Service cost on the lookup path (`node --import tsx bench/key-lookup.ts`):
// an unknown secret is hashed once more per imported pepper whose prefix it carries, and asked for once more;
// a known key, or one upgraded at its first use, costs what any key costs. Against the Redis at REDIS_URL
// (default 127.0.0.1:6379), in a prefix of its own that it removes again.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { createLogger } from '../src/lib/logger.js';
import { pepperedHash } from '../src/services/api-keys/legacy-key-hashes.js';
import { createServices, type Services } from '../src/services/container.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const MISSES = 20_000;
const PEPPER = 'crs-encryption-key-for-the-bench';

async function open(prefix: string): Promise<Services> {
  return createServices({
    redis: { url: REDIS_URL },
    keyPrefix: prefix,
    encryptionKey: { id: 'bench', key: randomBytes(32) },
    tokenSigningKey: randomBytes(32).toString('hex'),
    apiKeyPrefix: 'cr_',
    ledgerMaxEntries: 1000,
    retention: { hour: 1, day: 1, month: 1 },
    runJobs: false,
    logger: createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) }),
    name: 'bench-key-lookup',
  });
}

/** Mean microseconds per call of `run` over distinct secrets, `concurrency` at a time. */
async function perCall(
  secrets: readonly string[],
  run: (secret: string) => Promise<unknown>,
  concurrency = 50,
) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < secrets.length) {
        const secret = secrets[next++] as string;
        await run(secret).catch(() => undefined);
      }
    }),
  );
  return ((performance.now() - started) * 1000) / secrets.length;
}

const unknown = (count: number) =>
  Array.from({ length: count }, () => `cr_${randomBytes(32).toString('hex')}`);

const prefix = `bench-keys:${randomBytes(4).toString('hex')}:`;
const services = await open(prefix);
try {
  const without = await perCall(unknown(MISSES), (secret) => services.apiKeys.authenticate(secret));
  const pepperId = await services.legacyKeyHashes.add('cr_', PEPPER);
  const withPepper = await perCall(unknown(MISSES), (secret) => services.apiKeys.authenticate(secret));
  // First use of imported keys: found by the peppered hash and upgraded (a compare-and-swap and two index writes).
  const imported = unknown(2_000);
  for (const [index, secret] of imported.entries()) {
    await services.apiKeys.importKey({
      id: `key_bench_${index}`,
      fields: { name: `imported ${index}` },
      legacyHash: pepperedHash(secret, PEPPER),
      pepperId,
      hint: 'cr_… (from CRS)',
      createdAt: Date.now(),
    });
  }
  const firstUse = await perCall(imported, (secret) => services.apiKeys.authenticate(secret));
  const sha = performance.now();
  for (const secret of unknown(100_000)) pepperedHash(secret, PEPPER);
  const hashMicros = ((performance.now() - sha) * 1000) / 100_000;
  console.log(
    JSON.stringify(
      {
        unknownKeyMissMicros: { noPeppers: round(without), onePepper: round(withPepper) },
        importedKeyFirstUseMicros: round(firstUse),
        pepperedSha256Micros: round(hashMicros),
        note: 'mean per call at 50 in flight against one local Redis; misses are distinct secrets (no negative cache)',
      },
      null,
      2,
    ),
  );
} finally {
  const redis = services.context.redis;
  let cursor = '0';
  do {
    const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = nextCursor;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  await services.stop();
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
