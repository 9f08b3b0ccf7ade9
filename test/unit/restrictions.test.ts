import { describe, expect, it } from 'vitest';
import { detectClient } from '../../src/relay/client/client-kind.js';
import { checkKeyRestrictions, type RestrictedRequest } from '../../src/services/admission/restrictions.js';
import { createApiKeyInputSchema, type StoredApiKey } from '../../src/services/api-keys/api-key-types.js';

function key(input: Record<string, unknown> = {}): StoredApiKey {
  return {
    ...createApiKeyInputSchema.parse({ name: 'k', ...input }),
    id: 'key_1',
    hash: '0'.repeat(64),
    hint: 'cr_…',
    createdAt: 0,
    updatedAt: 0,
  };
}
const request = (overrides: Partial<RestrictedRequest> = {}): RestrictedRequest => ({
  platform: 'claude',
  model: 'claude-haiku-4-5',
  client: undefined,
  now: 1_000,
  ...overrides,
});
const reasonOf = (fn: () => void) => {
  try {
    fn();
  } catch (error) {
    return (error as { details?: { reason?: string } }).details?.reason;
  }
  return 'allowed';
};

describe('key restrictions', () => {
  it('refuses disabled and expired keys', () => {
    expect(reasonOf(() => checkKeyRestrictions(key({ enabled: false }), request()))).toBe('key_disabled');
    const fixed = key({ expiry: { kind: 'fixed', expiresAt: 1_000 } });
    expect(reasonOf(() => checkKeyRestrictions(fixed, request({ now: 999 })))).toBe('allowed');
    expect(reasonOf(() => checkKeyRestrictions(fixed, request({ now: 1_000 })))).toBe('key_expired');
  });

  it('limits platforms, and the deny-list beats the allow-list', () => {
    expect(reasonOf(() => checkKeyRestrictions(key({ platforms: ['gemini'] }), request()))).toBe(
      'platform_not_allowed',
    );
    const lists = key({ modelAllow: ['claude-*'], modelDeny: ['claude-opus*'] });
    expect(reasonOf(() => checkKeyRestrictions(lists, request({ model: 'claude-sonnet-4-5' })))).toBe(
      'allowed',
    );
    expect(reasonOf(() => checkKeyRestrictions(lists, request({ model: 'claude-opus-4-1' })))).toBe(
      'model_denied',
    );
    expect(reasonOf(() => checkKeyRestrictions(lists, request({ model: 'gpt-5' })))).toBe(
      'model_not_allowed',
    );
    // Calls without a model (model lists) pass model lists.
    expect(reasonOf(() => checkKeyRestrictions(lists, request({ model: undefined })))).toBe('allowed');
  });

  it('allows only the listed clients, and an unrecognised client is not one of them', () => {
    const claudeCodeOnly = key({ clients: ['claude-code'] });
    expect(reasonOf(() => checkKeyRestrictions(claudeCodeOnly, request({ client: 'claude-code' })))).toBe(
      'allowed',
    );
    expect(reasonOf(() => checkKeyRestrictions(claudeCodeOnly, request({ client: 'codex' })))).toBe(
      'client_not_allowed',
    );
    expect(reasonOf(() => checkKeyRestrictions(claudeCodeOnly, request()))).toBe('client_not_allowed');
  });
});

describe('client recognition', () => {
  it.each([
    [{ 'user-agent': 'claude-cli/2.1.0 (external, cli)' }, {}, 'claude-code'],
    [{ 'user-agent': 'claude-cli/1.0.83 (external, sdk-ts)' }, {}, 'claude-code'],
    [{ 'x-claude-code-session-id': '5d8f1c2e-7a3b-4c9d-9e1f-2b3c4d5e6f70' }, {}, 'claude-code'],
    [
      {},
      { userId: JSON.stringify({ device_id: 'a'.repeat(64), account_uuid: '', session_id: 'x' }) },
      'claude-code',
    ],
    [
      {},
      { userId: `user_${'b'.repeat(64)}_account__session_5d8f1c2e-7a3b-4c9d-9e1f-2b3c4d5e6f70` },
      'claude-code',
    ],
    [{ 'user-agent': 'codex_cli_rs/0.58.0 (Debian 12; x86_64) xterm' }, {}, 'codex'],
    [{ originator: 'codex_cli_rs' }, {}, 'codex'],
    [{ 'session-id': 'abc', 'thread-id': 'abc', 'x-client-request-id': 'abc' }, {}, 'codex'],
    [{ 'user-agent': 'GeminiCLI/0.9.0 (linux; x64) google-api-nodejs-client/9.15.1' }, {}, 'gemini-cli'],
    [{ 'x-gemini-api-privileged-user-id': 'u' }, {}, 'gemini-cli'],
    [{ 'user-agent': 'factory-cli/0.22.3' }, {}, 'droid'],
    [{ 'user-agent': 'Anthropic/JS 1.12.0' }, { userId: 'plain-user' }, undefined],
    [{ 'user-agent': 'OpenAI/JS 6.49.0' }, {}, undefined],
    [{ 'user-agent': 'google-genai-sdk/2.32.0 gl-node/v20.20.2' }, {}, undefined],
  ] as const)('%o %o → %s', (headers, hints, expected) => {
    expect(detectClient(headers, hints)).toBe(expected);
  });
});
