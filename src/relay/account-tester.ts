// Connection tests: one tiny generation request to an account, on an operator's behalf, with its result and
// latency recorded. The answer also tells account health what it says (a success puts the account back in
// service; a refusal takes it out), like any relayed request would.
import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { AppError } from '../errors/app-error.js';
import type { UpstreamSignal } from '../services/accounts/account-signals.js';
import type { AccountRuntime } from '../services/accounts/account-types.js';
import type { ConnectionTestResult } from '../services/accounts/connection-tests.js';
import type { AccountTesting, ConnectionTesterParts } from '../services/control/account-admin.js';
import { upstreamModelFor } from './pipeline/attempt.js';
import { FORMATS } from './pipeline/format-registry.js';
import { providerFor } from './providers/registry.js';
import { completeCall } from './upstream/complete-call.js';
import type { UpstreamCall, UpstreamControl, UpstreamReceiver } from './upstream/transport.js';
import type { TransportRegistry } from './upstream/transports.js';
import { upstreamTransportError } from './upstream/upstream-errors.js';

const TEST_TIMEOUT_MS = 30_000;
const ANSWER_LIMIT = 256 * 1024;

export interface AccountTesterDeps extends ConnectionTesterParts {
  transports: TransportRegistry;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
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
      const answer = await send(this.deps.transports, runtime, call);
      const latencyMs = Math.round((performance.now() - startedAt) * 10) / 10;
      signal = { kind: 'answered', status: answer.status, headers: answer.headers };
      result = { accountId, at, ok: answer.status < 400, status: answer.status, latencyMs, model };
      if (answer.status >= 400) {
        const error = providerFor(runtime.account.type).httpError(answer.status, answer.body, answer.headers);
        result.message = error.message;
        signal = { ...signal, message: error.message };
      }
    } catch (error) {
      const latencyMs = Math.round((performance.now() - startedAt) * 10) / 10;
      const failure = error instanceof AppError ? error : upstreamTransportError(error, 'headers');
      signal =
        failure.code === 'upstream_auth_failed'
          ? { kind: 'credential', message: failure.message }
          : { kind: 'transport', timeout: failure.code === 'upstream_timeout' };
      result = { accountId, at, ok: false, latencyMs, model, message: failure.message };
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
        completeCall(this.deps.transports.forProxy(runtime.account.proxy, runtime.secrets.proxyPassword), {
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

/** The first model the account names exactly (an Azure deployment's first), else its provider's cheapest. */
function testModel(runtime: AccountRuntime): string {
  const { account } = runtime;
  const deployed = account.deployments === undefined ? undefined : Object.keys(account.deployments)[0];
  const named = deployed ?? account.supportedModels.find((pattern) => !pattern.endsWith('*'));
  return named ?? providerFor(account.type).testModel;
}

/** Sends the call and collects its answer (bounded; only the start of an error body is ever read). */
function send(transports: TransportRegistry, runtime: AccountRuntime, call: UpstreamCall): Promise<Answer> {
  const { account, secrets } = runtime;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let answer: Omit<Answer, 'body'> | undefined;
    let control: UpstreamControl | undefined;
    const receiver: UpstreamReceiver = {
      onStart: (started) => {
        control = started;
      },
      onResponseStart: (status, headers) => {
        answer = { status, headers };
      },
      onData: (chunk) => {
        size += chunk.length;
        if (size <= ANSWER_LIMIT) chunks.push(chunk);
        else control?.abort(new AppError('upstream_error', 'The test answer was too large'));
      },
      onEnd: () => {
        if (answer) resolve({ ...answer, body: Buffer.concat(chunks) });
        else reject(new AppError('upstream_error', 'The upstream ended without answering'));
      },
      onError: reject,
    };
    transports.forProxy(account.proxy, secrets.proxyPassword).send(call, receiver);
  });
}
