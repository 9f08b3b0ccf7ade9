// Connection tests: one tiny generation request to an account, on an operator's behalf, with its result and
// latency recorded. The answer also tells account health what it says (a success puts the account back in
// service; a refusal takes it out), like any relayed request would.
import { performance } from 'node:perf_hooks';
import { AppError } from '../errors/app-error.js';
import type { UpstreamSignal } from '../services/accounts/account-signals.js';
import type { AccountRuntime } from '../services/accounts/account-types.js';
import type { ConnectionTestResult } from '../services/accounts/connection-tests.js';
import type { AccountTesting, ConnectionTesterParts } from '../services/control/account-admin.js';
import { errorAnswerSignal } from './exchange/exchange-result.js';
import { upstreamModelFor } from './pipeline/attempt.js';
import { FORMATS } from './pipeline/format-registry.js';
import { providerFor } from './providers/registry.js';
import { ProviderCallFailure } from './providers/upstream-provider.js';
import { completeCall } from './upstream/complete-call.js';
import type { UpstreamCall } from './upstream/transport.js';
import type { TransportRegistry } from './upstream/transports.js';
import { upstreamTransportError } from './upstream/upstream-errors.js';

const TEST_TIMEOUT_MS = 30_000;
const ANSWER_LIMIT = 256 * 1024;

export interface AccountTesterDeps extends ConnectionTesterParts {
  transports: TransportRegistry;
}

export class AccountTester implements AccountTesting {
  constructor(private readonly deps: AccountTesterDeps) {}

  async test(accountId: string, options: { model?: string } = {}): Promise<ConnectionTestResult> {
    const runtime = await this.deps.accounts.runtime(accountId);
    if (!runtime) throw new AppError('not_found', `Account ${accountId} does not exist`);
    const model = upstreamModelFor(runtime, options.model ?? testModel(runtime));
    const startedAt = performance.now();
    const at = Date.now();
    let result: ConnectionTestResult;
    let signal: UpstreamSignal;
    try {
      const call = await this.call(runtime, model);
      const answer = await completeCall(this.transportOf(runtime), call, ANSWER_LIMIT);
      const latencyMs = Math.round((performance.now() - startedAt) * 10) / 10;
      const answered = { kind: 'answered' as const, status: answer.status, headers: answer.headers };
      signal = answered;
      result = { accountId, at, ok: answer.status < 400, status: answer.status, latencyMs, model };
      if (answer.status >= 400) {
        const error = providerFor(runtime.account.type).httpError(answer.status, answer.body, answer.headers);
        result.message = error.message;
        // Read as a relayed request's error answer is: a refused key, a retry time said in the body.
        signal = errorAnswerSignal(answered, error, Date.now());
      }
    } catch (error) {
      const latencyMs = Math.round((performance.now() - startedAt) * 10) / 10;
      const failure = failureOf(error);
      signal = failure.signal;
      result = { accountId, at, ok: false, latencyMs, model, message: failure.error.message };
    }
    await this.deps.log.record(result);
    await this.applyToHealth(runtime, signal, model, result.ok);
    return result;
  }

  private async applyToHealth(
    runtime: AccountRuntime,
    signal: UpstreamSignal,
    model: string,
    ok: boolean,
  ): Promise<void> {
    const { health } = this.deps;
    const { account } = runtime;
    try {
      if (ok) {
        if ((await health.state(account.id, account.platform)).kind !== 'active') {
          await health.reset(account.id, account.platform, 'connection_test');
        }
        return;
      }
      await health.observe(runtime, signal, model);
    } catch (error) {
      this.deps.logger.error({ err: error, accountId: account.id }, 'failed to record a connection test');
    }
  }

  private transportOf(runtime: AccountRuntime) {
    return this.deps.transports.forProxy(runtime.account.proxy, runtime.secrets.proxyPassword);
  }

  /** The provider's own call for the smallest request of the format it answers, uncompressed. */
  private async call(runtime: AccountRuntime, model: string): Promise<UpstreamCall> {
    const provider = providerFor(runtime.account.type);
    const request = await provider.buildCall({
      runtime,
      operation: 'generate',
      clientHeaders: { 'content-type': 'application/json' },
      format: provider.formats[0],
      body: FORMATS[provider.formats[0]].testBody(model),
      model,
      stream: false,
      query: '',
      modelId: undefined,
      credential: () => this.deps.credentials.forAccount(runtime),
      ask: (asked) =>
        completeCall(this.transportOf(runtime), {
          ...asked,
          firstByteTimeoutMs: TEST_TIMEOUT_MS,
          idleTimeoutMs: TEST_TIMEOUT_MS,
        }),
    });
    // The answer is read here, not passed on: plain bytes are simplest.
    request.headers['accept-encoding'] = 'identity';
    return { ...request, firstByteTimeoutMs: TEST_TIMEOUT_MS, idleTimeoutMs: TEST_TIMEOUT_MS };
  }
}

/**
 * What a test that got no answer says: the provider's own verdict when it could not build its call (Code
 * Assist's project not found), a refused credential, or the transport's failure.
 */
function failureOf(thrown: unknown): { error: AppError; signal: UpstreamSignal } {
  if (thrown instanceof ProviderCallFailure) return { error: thrown.appError, signal: thrown.signal };
  const error = thrown instanceof AppError ? thrown : upstreamTransportError(thrown, 'headers');
  if (error.code === 'upstream_auth_failed') {
    return { error, signal: { kind: 'credential', message: error.message } };
  }
  return { error, signal: { kind: 'transport', timeout: error.code === 'upstream_timeout' } };
}

/** The first model the account names exactly (an Azure deployment's first), else its provider's cheapest. */
function testModel(runtime: AccountRuntime): string {
  const { account } = runtime;
  const deployed = account.deployments === undefined ? undefined : Object.keys(account.deployments)[0];
  const named = deployed ?? account.supportedModels.find((pattern) => !pattern.endsWith('*'));
  return named ?? providerFor(account.type).testModel;
}
