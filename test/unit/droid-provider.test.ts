// The droid provider's call: each format to Factory's endpoint for it under the account's base path, the vendor
// Factory routes to (`x-api-provider`) by endpoint and model, Droid's headers, and nothing of the relay key.
import { describe, expect, it } from 'vitest';
import { vendorOf } from '../../src/relay/providers/droid/headers.js';
import { droidProvider } from '../../src/relay/providers/droid/provider.js';
import type { ProviderCall } from '../../src/relay/providers/upstream-provider.js';
import type { AccountRuntime, StoredAccount } from '../../src/services/accounts/account-types.js';

const account: StoredAccount = {
  id: 'acc_droid',
  type: 'droid',
  platform: 'droid',
  name: 'factory',
  baseUrl: 'https://api.eu.factory.ai/api/llm',
  authHeader: 'bearer',
  priority: 50,
  weight: 1,
  maxConcurrency: 0,
  schedulable: true,
  dedicated: false,
  modelMapping: {},
  supportedModels: [],
  state: { kind: 'active' },
  sealedSecrets: 'sealed',
  createdAt: 0,
  updatedAt: 0,
};
const runtime: AccountRuntime = { account, secrets: { apiKey: 'fk-1' } };

function call(overrides: Partial<ProviderCall>): ProviderCall {
  return {
    runtime,
    format: 'anthropic',
    operation: 'generate',
    clientHeaders: {
      'x-api-key': 'cr_relay_key',
      'user-agent': 'Anthropic/JS 0.70.1',
      'x-stainless-os': 'Linux',
    },
    body: Buffer.from('{}'),
    model: 'claude-haiku-4-5',
    stream: true,
    query: '',
    modelId: undefined,
    credential: () => 'fk-1',
    ask: () => Promise.reject(new Error('not asked')),
    ...overrides,
  };
}

describe('the droid provider', () => {
  it('sends each format to its Factory endpoint under the account’s base path, with Droid’s headers', async () => {
    const paths = await Promise.all(
      (['anthropic', 'openai-responses', 'openai-chat'] as const).map(
        async (format) => (await droidProvider.buildCall(call({ format, model: 'gpt-5' }))).path,
      ),
    );
    expect(paths).toEqual([
      '/api/llm/a/v1/messages',
      '/api/llm/o/v1/responses',
      '/api/llm/o/v1/chat/completions',
    ]);

    const request = await droidProvider.buildCall(call({ query: '?beta=true' }));
    expect(request).toMatchObject({ origin: 'https://api.eu.factory.ai', method: 'POST' });
    expect(request.path).toBe('/api/llm/a/v1/messages?beta=true');
    expect(request.headers).toMatchObject({
      authorization: 'Bearer fk-1',
      'x-factory-client': 'cli',
      'x-api-provider': 'anthropic',
      'user-agent': 'factory-cli/0.32.1',
      'anthropic-version': '2023-06-01',
      'x-api-key': 'placeholder',
      'x-stainless-os': 'Linux',
      'accept-encoding': 'identity',
    });
    expect(JSON.stringify(request.headers)).not.toContain('cr_relay_key');
  });

  it('refuses what Factory has no endpoint for', async () => {
    await expect(droidProvider.buildCall(call({ format: 'gemini' }))).rejects.toThrow(/cannot answer gemini/);
    await expect(droidProvider.buildCall(call({ operation: 'count-tokens' }))).rejects.toThrow(
      /cannot serve count-tokens/,
    );
  });

  it('names the vendor Factory routes each model to, as Droid does', () => {
    expect(vendorOf('anthropic', 'claude-opus-4-5')).toBe('anthropic');
    expect(vendorOf('openai-responses', 'gpt-5-codex')).toBe('azure_openai');
    expect(vendorOf('openai-responses', 'gpt-5.1-codex-max')).toBe('openai');
    expect(vendorOf('openai-chat', 'gemini-3-pro-preview')).toBe('google');
    expect(vendorOf('openai-chat', 'Claude-Sonnet-4-5')).toBe('anthropic');
    expect(vendorOf('openai-chat', 'gpt-5')).toBe('azure_openai');
    expect(vendorOf('openai-chat', 'glm-4.6')).toBe('fireworks');
    expect(vendorOf('openai-chat', 'kimi-k2')).toBe('baseten');
  });
});
