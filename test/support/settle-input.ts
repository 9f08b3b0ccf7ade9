// A settle input for tests that drive the settler directly: one successful haiku request, overridable.
import type { SettleInput } from '../../src/services/usage/usage-settler.js';

export function settleInput(requestId: string, overrides: Partial<SettleInput> = {}): SettleInput {
  return {
    requestId,
    ticket: undefined,
    keyId: 'key_a',
    platform: 'claude',
    model: 'claude-haiku-4-5',
    upstreamModel: 'claude-haiku-4-5',
    lease: undefined,
    usage: { input: 1000, output: 100, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 },
    outcome: 'ok',
    estimated: false,
    status: 200,
    stream: false,
    at: Date.now(),
    latencyMs: 5,
    ttftMs: 5,
    errorCode: undefined,
    errorMessage: undefined,
    userId: undefined,
    clientFormat: 'anthropic',
    upstreamFormat: 'anthropic',
    clientKind: undefined,
    attempts: 1,
    ...overrides,
  };
}
