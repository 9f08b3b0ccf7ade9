// Runs a request against one account after another until one answers it, within a bounded number of
// attempts: a failure the account is to blame for, before anything reached the client, moves the account
// to the state it deserves and the request to another account of the pool.
import { accountFault, type UpstreamSignal } from '../../services/accounts/account-signals.js';
import type { Acquired, AcquireRequest } from '../../services/scheduler/account-scheduler.js';
import type { ExchangeResult } from '../exchange/exchange.js';
import type { RelayDeps } from '../relay-deps.js';

export interface FailoverPlan {
  /** The first account, leased together with admission. */
  first: Acquired;
  /** How later accounts are chosen: the same pool, model, session and binding, minus those tried. */
  acquire: AcquireRequest;
  /** One attempt against an account; `holdForRetry` is set while another attempt is still allowed. */
  run: (acquired: Acquired, holdForRetry: HoldPredicate | undefined) => Promise<ExchangeResult>;
  /** Records a failed attempt (ledger entry, lease released) once the next account is leased. */
  attemptFailed: (acquired: Acquired, result: ExchangeResult, attempt: number) => Promise<void>;
}

export type HoldPredicate = (signal: UpstreamSignal) => boolean;

export interface FailoverOutcome {
  /** The account that gave the client its answer. */
  acquired: Acquired;
  result: ExchangeResult;
  attempts: number;
}

const blamesAccount: HoldPredicate = (signal) => accountFault(signal) !== undefined;

export async function runWithFailover(deps: RelayDeps, plan: FailoverPlan): Promise<FailoverOutcome> {
  const maxAttempts = deps.settings.failoverMaxAttempts;
  const tried = new Set<string>();
  let acquired = plan.first;
  for (let attempt = 1; ; attempt += 1) {
    const result = await plan.run(acquired, attempt < maxAttempts ? blamesAccount : undefined);
    await observe(deps, acquired, result, plan.acquire.model);
    if (!result.retry) return { acquired, result, attempts: attempt };
    tried.add(acquired.runtime.account.id);
    let next: Acquired;
    try {
      next = await deps.scheduler.acquire({ ...plan.acquire, exclude: tried });
    } catch {
      // No other account can take it: the held failure becomes the client's answer after all.
      return { acquired, result: result.retry.answer(), attempts: attempt };
    }
    deps.logger.info(
      {
        requestId: plan.acquire.requestId,
        from: acquired.runtime.account.id,
        to: next.runtime.account.id,
        attempt,
        errorCode: result.errorCode,
        status: result.status,
      },
      'failing over to another account',
    );
    await plan.attemptFailed(acquired, result, attempt);
    acquired = next;
  }
}

/** Tells account health what the answer said; a failure to record it must not fail the request. */
async function observe(
  deps: RelayDeps,
  acquired: Acquired,
  result: ExchangeResult,
  model: string | undefined,
): Promise<void> {
  const { signal } = result;
  if (!signal) return;
  // An OAuth token refused before its time is refreshed on the next use: the account stays in service
  // (this request still moves on) unless a token fresh from a refresh was refused too.
  if (signal.kind === 'answered' && signal.status === 401 && deps.credentials.refused(acquired.runtime))
    return;
  const report = (error: unknown) => {
    deps.logger.error(
      { err: error, accountId: acquired.runtime.account.id },
      'failed to record account state',
    );
  };
  if (signal.kind === 'answered' && signal.status < 400) {
    // Success only notes headroom, rarely with a write; the answer is already on its way.
    deps.health.observeSuccess(acquired.runtime, signal.headers, signal.limits)?.catch(report);
    return;
  }
  // A failure's state must be in place before the next account is chosen.
  await deps.health.observe(acquired.runtime, signal, model).catch(report);
}
