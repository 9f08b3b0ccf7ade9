// Starts the real relay server in-process on port 0, on the test Redis, in a fresh key prefix.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/lib/logger.js';
import { type RunningServer, type ServerOverrides, startServer } from '../../src/server.js';
import type { CreateAccountInput } from '../../src/services/accounts/account-types.js';
import type { CreateApiKeyInput } from '../../src/services/api-keys/api-key-types.js';
import { closeRedis, createRedisClient } from '../../src/services/redis/connection.js';
import { FAKE_BEDROCK_CREDENTIAL } from './fake-bedrock/index.js';
import { type FakeUpstream, startFakeUpstream } from './fake-upstream/index.js';
import { deletePrefix, testRedisEnv } from './redis.js';

/** The AI Studio key gemini-api accounts present to a fake started with it (`startFakeUpstream({apiKey})`). */
export const FAKE_GEMINI_KEY = 'AIza-fake-upstream-key';

export interface TestRelay {
  server: RunningServer;
  url: string;
  prefix: string;
  /** Log lines the server wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

export interface TestRelayOptions {
  env?: Record<string, string>;
  /** Share a key prefix with another instance (multi-instance tests). */
  prefix?: string;
  overrides?: ServerOverrides;
}

export async function startTestRelay(options: TestRelayOptions = {}): Promise<TestRelay> {
  const prefix = options.prefix ?? `t:${Math.random().toString(36).slice(2, 10)}:`;
  // A test that names its own DATA_DIR keeps it; one made here goes when the relay stops.
  const ownDataDir =
    options.env?.DATA_DIR === undefined ? mkdtempSync(path.join(tmpdir(), 'relay-test-')) : undefined;
  const config = loadConfig({
    NODE_ENV: 'test',
    // The run's Redis, unless the test brings its own.
    ...(['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'].some(
      (name) => options.env?.[name] !== undefined,
    )
      ? {}
      : testRedisEnv()),
    REDIS_KEY_PREFIX: prefix,
    PORT: '0',
    DATA_DIR: ownDataDir,
    ADMIN_PASSWORD: 'test admin password',
    SHUTDOWN_TIMEOUT_MS: '2000',
    // Instances sharing a Redis must share the encryption key; tests use one fixed pair.
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    TOKEN_SIGNING_KEY: 'test-token-signing-key-0123456789abcdef',
    ...options.env,
  });
  const logs: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() !== '') logs.push(JSON.parse(line));
      }
      callback();
    },
  });
  const logger = createLogger({ level: 'info', destination });
  const server = await startServer(config, logger, options.overrides);
  return {
    server,
    url: server.url,
    prefix,
    logs,
    async stop() {
      await server.stop();
      // Tests may share a Redis (REDIS_URL); leave nothing behind. Instances sharing a prefix both clean it.
      const redis = await createRedisClient({ endpoint: server.redis, name: 'test-cleanup' });
      await deletePrefix(redis, prefix);
      await closeRedis(redis);
      if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
    },
  };
}

export async function createClaudeAccount(
  relay: TestRelay,
  baseUrl: string,
  overrides: Partial<CreateAccountInput> = {},
) {
  return relay.server.services.accounts.create({
    type: 'claude-console',
    name: 'fake console',
    baseUrl,
    credentials: { apiKey: 'sk-ant-upstream-secret' },
    ...overrides,
  });
}

/** An openai-api account on the fake upstream at `fakeUrl` (the relay appends `/responses` to `<fake>/v1`). */
export async function createOpenAIAccount(
  relay: TestRelay,
  fakeUrl: string,
  overrides: Partial<CreateAccountInput> = {},
) {
  return relay.server.services.accounts.create({
    type: 'openai-api',
    name: 'fake openai',
    baseUrl: `${fakeUrl}/v1`,
    credentials: { apiKey: 'sk-openai-upstream-secret' },
    ...overrides,
  });
}

/** An openai-oauth (ChatGPT sign-in) account on the fake's Codex backend, its token valid for a day. */
export async function createChatGPTAccount(
  relay: TestRelay,
  fakeUrl: string,
  secrets: { accessToken: string; chatgptAccountId: string },
) {
  return relay.server.services.accounts.create({
    type: 'openai-oauth',
    name: 'fake chatgpt',
    baseUrl: `${fakeUrl}/backend-api/codex`,
    credentials: { ...secrets, refreshToken: 'rt-fake-unused', expiresAt: Date.now() + 86_400_000 },
  });
}

/** A bedrock account on the fake Bedrock at `baseUrl`, signing with the credential it accepts. */
export async function createBedrockAccount(relay: TestRelay, baseUrl: string) {
  return relay.server.services.accounts.create({
    type: 'bedrock',
    name: 'bedrock',
    region: 'us-east-1',
    baseUrl,
    credentials: {
      awsAccessKeyId: FAKE_BEDROCK_CREDENTIAL.accessKeyId,
      awsSecretAccessKey: FAKE_BEDROCK_CREDENTIAL.secretAccessKey,
    },
  });
}

export interface RelayWithAccount {
  fake: FakeUpstream;
  relay: TestRelay;
  stop(): Promise<void>;
}

/** One relay instance with a Claude console account on a fake upstream of its own. */
export async function startRelayWithAccount(options: TestRelayOptions = {}): Promise<RelayWithAccount> {
  const fake = await startFakeUpstream();
  const relay = await startTestRelay(options);
  await createClaudeAccount(relay, fake.url);
  return {
    fake,
    relay,
    async stop() {
      await relay.stop();
      await fake.close();
    },
  };
}

export async function createKey(relay: TestRelay, input: Partial<CreateApiKeyInput> = {}) {
  return relay.server.services.apiKeys.create({ name: 'test key', ...input });
}

/** Waits until every settle has been written and rolled up, so assertions see the final numbers. */
export async function settled(relay: TestRelay): Promise<void> {
  await relay.server.app.idle();
  await relay.server.services.settler.drain();
  await relay.server.services.rollups.drain();
}

export interface RelayPair {
  fake: FakeUpstream;
  first: TestRelay;
  /** A second instance on the same Redis keys. */
  second: TestRelay;
  stop(): Promise<void>;
}

/** Two relay instances sharing one key prefix, a fake upstream, and optionally an account on it. */
export async function startRelayPair(options: { withAccount: boolean }): Promise<RelayPair> {
  const fake = await startFakeUpstream();
  const first = await startTestRelay();
  const second = await startTestRelay({ prefix: first.prefix });
  if (options.withAccount) await createClaudeAccount(first, fake.url);
  return {
    fake,
    first,
    second,
    async stop() {
      await first.stop();
      await second.stop();
      await fake.close();
    },
  };
}

/** A gemini-api (AI Studio key) account on the fake Generative Language API at `fakeUrl`. */
export async function createGeminiAccount(
  relay: TestRelay,
  fakeUrl: string,
  overrides: Partial<CreateAccountInput> = {},
) {
  return relay.server.services.accounts.create({
    type: 'gemini-api',
    name: 'fake gemini',
    baseUrl: fakeUrl,
    credentials: { apiKey: FAKE_GEMINI_KEY },
    ...overrides,
  });
}
