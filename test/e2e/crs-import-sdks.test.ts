import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../src/services/migration/import-report.js';
import { createCrsClaudeConsoleAccount } from '../fixtures/crs/accounts/claude-console.js';
import { createCrsGeminiApiAccount } from '../fixtures/crs/accounts/gemini-api.js';
import { createCrsOpenAiResponsesAccount } from '../fixtures/crs/accounts/openai-responses.js';
import { createCrsApiKey } from '../fixtures/crs/crs-api-keys.js';
import { addCrsGroupMember, createCrsGroup } from '../fixtures/crs/crs-groups.js';
import { recordCrsUsage } from '../fixtures/crs/crs-usage.js';
import { runCli } from '../support/cli.js';
import { type CrsRedis, startCrsRedis } from '../support/crs-source.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { testRedisEnv } from '../support/redis.js';
import { settled, startTestRelay, type TestRelay } from '../support/relay.js';
import { removeTempDirs, tempDir } from '../support/temp-dirs.js';

const CRS_KEY = 'crs-e2e-encryption-key-32-chars!';
const HAIKU = 'claude-haiku-4-5';
/** The one key the pool's fake upstream takes, whatever the format (it checks it). */
const POOL_SECRET = 'sk-ant-pool-upstream-secret';

let crs: CrsRedis;
let pool: FakeUpstream;
let teamUpstream: FakeUpstream;
let relay: TestRelay;
let report: ImportReport;
const keys: Record<string, string> = {};

beforeAll(async () => {
  pool = await startFakeUpstream({ apiKey: POOL_SECRET });
  teamUpstream = await startFakeUpstream({ apiKey: 'sk-ant-team-secret' });
  crs = await startCrsRedis();
  const redis = crs.redis;
  await createCrsClaudeConsoleAccount(redis, CRS_KEY, {
    name: 'shared console',
    apiUrl: pool.url,
    apiKey: POOL_SECRET,
  });
  const team = await createCrsClaudeConsoleAccount(redis, CRS_KEY, {
    name: 'team console',
    apiUrl: teamUpstream.url,
    apiKey: 'sk-ant-team-secret',
    accountType: 'dedicated',
  });
  await createCrsOpenAiResponsesAccount(redis, CRS_KEY, {
    name: 'responses',
    baseApi: pool.url,
    apiKey: POOL_SECRET,
  });
  const gemini = await createCrsGeminiApiAccount(redis, CRS_KEY, {
    name: 'ai studio',
    baseUrl: pool.url,
    apiKey: POOL_SECRET,
  });
  const geminiGroup = await createCrsGroup(redis, { name: 'gemini team', platform: 'gemini' });
  await addCrsGroupMember(redis, geminiGroup.id, gemini.id, 'gemini');

  const issue = async (name: string, options: Parameters<typeof createCrsApiKey>[2]) => {
    const created = await createCrsApiKey(redis, CRS_KEY, { name, ...options });
    keys[name] = created.plaintext;
    return created;
  };
  await issue('claude only', {
    permissions: ['claude'],
    enableModelRestriction: true,
    restrictedModels: ['claude-opus-4-1'],
  });
  await issue('claude code only', { enableClientRestriction: true, allowedClients: ['claude_code'] });
  await issue('team', { claudeConsoleAccountId: team.id });
  await issue('openai', { permissions: ['openai'] });
  await issue('gemini group', { permissions: ['gemini'], geminiAccountId: `group:${geminiGroup.id}` });
  const spent = await issue('spent today', { dailyCostLimit: 1 });
  // CRS served this key $1.00 today already: its daily limit is reached, and stays reached after the move.
  await recordCrsUsage(redis, spent.id, {
    model: HAIKU,
    inputTokens: 1000,
    outputTokens: 1000,
    costUsd: 1,
    at: new Date(),
  });
  await issue('switched off', { isActive: false });

  relay = await startTestRelay();
  const result = await runCli(
    ['import', 'crs', '--redis', crs.url, '--encryption-key', '-', '--json'],
    {
      ...testRedisEnv(),
      REDIS_KEY_PREFIX: relay.prefix,
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      TOKEN_SIGNING_KEY: 'test-token-signing-key-0123456789abcdef',
      DATA_DIR: tempDir('crs-import-cli-'),
    },
    CRS_KEY,
  );
  removeTempDirs();
  if (result.code !== 0) throw new Error(`import failed (${result.code}): ${result.stderr}`);
  report = JSON.parse(result.stdout) as ImportReport;
}, 60_000);

afterAll(async () => {
  await relay?.stop();
  await crs?.destroy();
  await pool?.close();
  await teamUpstream?.close();
});

const anthropic = (name: string, headers: Record<string, string> = {}) =>
  new Anthropic({ apiKey: keys[name], baseURL: relay.url, maxRetries: 0, defaultHeaders: headers });
const ask = (client: Anthropic, model = HAIKU) =>
  client.messages.create({ model, max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });

describe('SDKs with the keys Claude Relay Service issued', () => {
  it('imported everything the CRS held', () => {
    expect(report.totals.account).toEqual({ imported: 4, unchanged: 0, skipped: 0 });
    expect(report.totals.group).toEqual({ imported: 1, unchanged: 0, skipped: 0 });
    expect(report.totals['api-key']).toEqual({ imported: 7, unchanged: 0, skipped: 0 });
  });

  it('the Anthropic SDK is served from the imported shared account, within the key’s restrictions', async () => {
    const client = anthropic('claude only');
    const answer = await ask(client);
    expect(answer.content[0]?.type).toBe('text');
    expect(pool.requests.some((request) => request.headers['x-api-key'] === POOL_SECRET)).toBe(true);
    // CRS's restrictedModels: a model the key may not use.
    await expect(ask(client, 'claude-opus-4-1')).rejects.toMatchObject({ status: 403 });
    // Its permissions name Claude only.
    const openai = new OpenAI({ apiKey: keys['claude only'], baseURL: `${relay.url}/v1`, maxRetries: 0 });
    await expect(openai.responses.create({ model: 'gpt-5', input: 'hi' })).rejects.toMatchObject({
      status: 403,
    });
  });

  it('a key restricted to Claude Code serves Claude Code only', async () => {
    await expect(ask(anthropic('claude code only'))).rejects.toMatchObject({ status: 403 });
    const asClaudeCode = anthropic('claude code only', { 'user-agent': 'claude-cli/2.1.0 (external, cli)' });
    expect((await ask(asClaudeCode)).content[0]?.type).toBe('text');
  });

  it('a dedicated account serves only the key bound to it', async () => {
    const before = teamUpstream.requests.length;
    for (let index = 0; index < 4; index += 1) await ask(anthropic('claude only'));
    expect(teamUpstream.requests.length).toBe(before);
    await ask(anthropic('team'));
    expect(teamUpstream.requests.at(-1)?.headers['x-api-key']).toBe('sk-ant-team-secret');
  });

  it('the OpenAI SDK is served from the imported Responses account', async () => {
    const openai = new OpenAI({ apiKey: keys.openai, baseURL: `${relay.url}/v1`, maxRetries: 0 });
    const response = await openai.responses.create({ model: 'gpt-5', input: 'hi' });
    expect(response.output_text.length).toBeGreaterThan(0);
    expect(pool.requests.at(-1)?.headers.authorization).toBe(`Bearer ${POOL_SECRET}`);
  });

  it('the Gemini SDK is served from the imported group', async () => {
    const genai = new GoogleGenAI({ apiKey: keys['gemini group'], httpOptions: { baseUrl: relay.url } });
    const answer = await genai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' });
    expect(answer.text?.length).toBeGreaterThan(0);
  });

  it('spend carried over from CRS keeps counting against the key’s limit; a disabled key stays disabled', async () => {
    await expect(ask(anthropic('spent today'))).rejects.toMatchObject({ status: 402 });
    await expect(ask(anthropic('switched off'))).rejects.toMatchObject({ status: 401 });
    await settled(relay);
  });
});
