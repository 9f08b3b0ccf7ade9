// One Claude Relay Service account of every kind the importer knows (two where a kind has two credential forms),
// written by the fixtures as CRS v1.1.314's own code does: the accounts of the CRS that crs-every-kind.ts builds.
import { createHmac } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createCrsAzureOpenAiAccount } from '../fixtures/crs/accounts/azure-openai.js';
import { createCrsBedrockAccount } from '../fixtures/crs/accounts/bedrock.js';
import { createCrsCcrAccount } from '../fixtures/crs/accounts/ccr.js';
import { createCrsClaudeAccount } from '../fixtures/crs/accounts/claude.js';
import { createCrsClaudeConsoleAccount } from '../fixtures/crs/accounts/claude-console.js';
import { createCrsDroidAccount } from '../fixtures/crs/accounts/droid.js';
import { createCrsGeminiAccount } from '../fixtures/crs/accounts/gemini.js';
import { createCrsGeminiApiAccount } from '../fixtures/crs/accounts/gemini-api.js';
import { createCrsOpenAiAccount } from '../fixtures/crs/accounts/openai.js';
import { createCrsOpenAiResponsesAccount } from '../fixtures/crs/accounts/openai-responses.js';

export const CRS_KEY = 'crs-kinds-encryption-key-32chars';
/** When the fixtures say the records were created. */
export const CREATED = new Date('2025-06-02T03:04:05.678Z');
/** A Claude OAuth access token's expiry, epoch ms as CRS keeps it. */
export const CLAUDE_EXPIRES_AT = 1_893_456_000_000;
export const GEMINI_EXPIRES_AT = 1_893_456_000_123;
export const OPENAI_EXPIRES_IN_SECONDS = 864_000;
export const DROID_EXPIRES_AT = '2030-01-01T00:00:00.000Z';

/** CRS ids of the accounts written. */
export interface EveryKindAccounts {
  claude: string;
  claudeGroup: string;
  console: string;
  ccr: string;
  bedrockAws: string;
  bedrockBearer: string;
  gemini: string;
  geminiApi: string;
  openai: string;
  responses: string;
  azureEast: string;
  azureWest: string;
  droidKeys: string;
  droidWorkos: string;
}

/** An id token of the shape ChatGPT issues (unsigned here: the importer reads only its claims). */
function idToken(chatgptAccountId: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = part({ alg: 'RS256', typ: 'JWT' });
  const body = part({ 'https://api.openai.com/auth': { chatgpt_account_id: chatgptAccountId } });
  return `${header}.${body}.${createHmac('sha256', 'x').update(body).digest('base64url')}`;
}

/** Writes the accounts, one of every kind (two where a kind has two credential forms), in this order. */
export async function writeEveryKindAccounts(redis: Redis): Promise<EveryKindAccounts> {
  return {
    claude: (
      await createCrsClaudeAccount(redis, CRS_KEY, {
        name: 'claude-max',
        description: 'the Max plan',
        claudeAiOauth: {
          accessToken: 'sk-ant-oat01-fixture-access',
          refreshToken: 'sk-ant-ort01-fixture-refresh',
          expiresAt: CLAUDE_EXPIRES_AT,
          scopes: ['user:inference', 'user:profile'],
        },
        proxy: { type: 'socks5', host: '127.0.0.1', port: 1080, username: 'sockuser', password: 'sockpass' },
        priority: 10,
        now: CREATED,
      })
    ).id,
    claudeGroup: (
      await createCrsClaudeAccount(redis, CRS_KEY, {
        name: 'claude-team',
        claudeAiOauth: {
          accessToken: 'sk-ant-oat01-team-access',
          refreshToken: 'sk-ant-ort01-team-refresh',
          expiresAt: CLAUDE_EXPIRES_AT + 1000,
          scopes: ['user:inference'],
        },
        isActive: false,
        accountType: 'group',
        priority: 5,
        schedulable: false,
        maxConcurrency: 2,
        now: CREATED,
      })
    ).id,
    console: (
      await createCrsClaudeConsoleAccount(redis, CRS_KEY, {
        name: 'console-dedicated',
        description: 'team console',
        apiUrl: 'http://127.0.0.1:9/anthropic/v1/messages',
        apiKey: 'sk-ant-api03-console-key',
        supportedModels: {
          'claude-sonnet-4-20250514': 'claude-sonnet-4-5-20250929',
          'claude-3-5-haiku-20241022': 'claude-3-5-haiku-20241022',
        },
        proxy: { type: 'http', host: '127.0.0.1', port: 3128, username: 'httpuser', password: 'httppass' },
        maxConcurrentTasks: 3,
        accountType: 'dedicated',
        priority: 20,
        now: CREATED,
      })
    ).id,
    ccr: (
      await createCrsCcrAccount(redis, CRS_KEY, {
        name: 'ccr-bearer',
        apiUrl: 'http://127.0.0.1:9/ccr/',
        apiKey: 'ccr-secret-token',
        supportedModels: ['claude-sonnet-4-20250514'],
        schedulable: false,
        priority: 30,
        now: CREATED,
      })
    ).id,
    bedrockAws: (
      await createCrsBedrockAccount(redis, CRS_KEY, {
        name: 'bedrock-aws',
        region: 'eu-west-1',
        awsCredentials: {
          accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
          secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
          sessionToken: 'FwoGZXIvYXdzEXAMPLESESSION',
        },
        priority: 40,
        now: CREATED,
      })
    ).id,
    bedrockBearer: (
      await createCrsBedrockAccount(redis, CRS_KEY, {
        name: 'bedrock-key',
        bearerToken: 'ABSKQmVkcm9ja0FQSUtleS1leGFtcGxl',
        credentialType: 'bearer_token',
        accountType: 'dedicated',
        schedulable: false,
        priority: 60,
        now: CREATED,
      })
    ).id,
    gemini: (
      await createCrsGeminiAccount(
        redis,
        CRS_KEY,
        {
          name: 'gemini-cli',
          geminiOauth: {
            access_token: 'ya29.fixture-access',
            refresh_token: '1//fixture-refresh',
            scope: 'https://www.googleapis.com/auth/cloud-platform',
            token_type: 'Bearer',
            expiry_date: GEMINI_EXPIRES_AT,
          },
          projectId: 'my-project-123',
          supportedModels: ['gemini-2.5-pro', 'gemini-2.5-flash'],
          priority: 15,
          proxy: { type: 'socks5', host: '127.0.0.1', port: 1081 },
        },
        { now: CREATED },
      )
    ).id,
    geminiApi: (
      await createCrsGeminiApiAccount(
        redis,
        CRS_KEY,
        {
          name: 'ai-studio',
          apiKey: 'AIzaSyFixtureStudioKey',
          supportedModels: ['gemini-2.5-flash'],
          priority: 25,
          schedulable: false,
        },
        { now: CREATED },
      )
    ).id,
    openai: (
      await createCrsOpenAiAccount(
        redis,
        CRS_KEY,
        {
          name: 'chatgpt-pro',
          openaiOauth: {
            idToken: idToken('acc-from-id-token'),
            accessToken: 'eyJ-openai-access',
            refreshToken: 'rt-openai-refresh',
            expires_in: OPENAI_EXPIRES_IN_SECONDS,
          },
          accountInfo: { accountId: 'acc-chatgpt-0001', planType: 'pro', email: 'codex@example.com' },
          priority: 7,
        },
        { now: CREATED },
      )
    ).id,
    responses: (
      await createCrsOpenAiResponsesAccount(
        redis,
        CRS_KEY,
        {
          name: 'responses-api',
          baseApi: 'http://127.0.0.1:9/openai/',
          apiKey: 'sk-proj-responses-key',
          priority: 35,
          accountType: 'dedicated',
        },
        { now: CREATED },
      )
    ).id,
    azureEast: (
      await createCrsAzureOpenAiAccount(
        redis,
        CRS_KEY,
        {
          name: 'azure-east',
          azureEndpoint: 'http://127.0.0.1:9/',
          apiVersion: '2024-10-21',
          deploymentName: 'gpt4o-prod',
          apiKey: 'azure-east-resource-key',
          supportedModels: ['gpt-4o', 'gpt-4o-mini'],
          priority: 80,
          proxy: { type: 'https', host: '127.0.0.1', port: 8443, username: 'azproxy', password: 'azpass' },
        },
        { now: CREATED },
      )
    ).id,
    azureWest: (
      await createCrsAzureOpenAiAccount(
        redis,
        CRS_KEY,
        {
          name: 'azure-west',
          azureEndpoint: 'http://127.0.0.1:9/openai',
          apiKey: 'azure-west-resource-key',
          priority: 20,
          isActive: false,
          schedulable: false,
        },
        { now: CREATED },
      )
    ).id,
    droidKeys: (
      await createCrsDroidAccount(redis, CRS_KEY, {
        name: 'factory-keys',
        apiKeys: ['fk-first-key', ' fk-second-key '],
        accountType: 'dedicated',
        priority: 45,
        now: CREATED,
      })
    ).id,
    droidWorkos: (
      await createCrsDroidAccount(redis, CRS_KEY, {
        name: 'factory-workos',
        refreshToken: 'workos-refresh-token',
        accessToken: 'workos-access-token',
        expiresAt: DROID_EXPIRES_AT,
        endpointType: 'openai',
        priority: 55,
        now: CREATED,
      })
    ).id,
  };
}
