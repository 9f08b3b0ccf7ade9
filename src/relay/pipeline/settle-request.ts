// Records a relayed request's outcome; a failure to record is logged, never thrown at the client.

import type { UpstreamSignal } from '../../services/accounts/account-signals.js';
import type { AdmissionTicket } from '../../services/admission/admission-types.js';
import type { CapturedBodies } from '../../services/request-log/body-capture.js';
import type { AccountLease } from '../../services/scheduler/account-scheduler.js';
import type { ExchangeResult } from '../exchange/exchange.js';
import type { RelayDeps } from '../relay-deps.js';

export interface RequestFacts {
  requestId: string;
  clientRequestId: string | undefined;
  keyId: string;
  /** The key's owner. */
  userId: string | undefined;
  clientFormat: string;
  upstreamFormat: string | undefined;
  clientKind: string | undefined;
  /** Which attempt this is (1 unless the request failed over). */
  attempts: number;
  platform: string;
  model: string;
  upstreamModel: string;
  stream: boolean;
  /** Arrival, ms since the epoch, and `performance.now()` at arrival. */
  at: number;
  startedAt: number;
}

export async function settleRequest(
  deps: RelayDeps,
  facts: RequestFacts,
  lease: AccountLease | undefined,
  ticket: AdmissionTicket | undefined,
  result: ExchangeResult,
  latencyMs: number,
  bodies?: CapturedBodies | undefined,
): Promise<void> {
  try {
    await deps.settler.settle({
      requestId: facts.requestId,
      clientRequestId: facts.clientRequestId,
      ticket,
      keyId: facts.keyId,
      platform: facts.platform,
      model: facts.model,
      upstreamModel: facts.upstreamModel,
      lease,
      usage: result.usage,
      outcome: result.outcome,
      estimated: result.estimated,
      status: result.status,
      stream: facts.stream,
      at: facts.at,
      latencyMs,
      ttftMs: result.ttftMs,
      errorCode: result.errorCode,
      errorMessage: result.outcome === 'ok' ? undefined : (result.errorMessage ?? messageOf(result.signal)),
      userId: facts.userId,
      clientFormat: facts.clientFormat,
      upstreamFormat: facts.upstreamFormat,
      clientKind: facts.clientKind,
      attempts: facts.attempts,
      bodies,
    });
  } catch (error) {
    // The lease expires by itself; the entry is lost only if Redis is down, which the log must show.
    deps.logger.error({ err: error, requestId: facts.requestId }, 'failed to settle request usage');
  }
}

/** What an upstream signal says went wrong, where the result carries no message of its own. */
function messageOf(signal: UpstreamSignal | undefined): string | undefined {
  if (!signal) return undefined;
  switch (signal.kind) {
    case 'answered':
      return signal.message ?? `The upstream answered ${signal.status}`;
    case 'stream-error':
      return signal.message ?? signal.type;
    case 'transport':
      return signal.timeout ? 'The upstream did not answer in time' : 'The upstream could not be reached';
    case 'credential':
      return signal.message;
  }
}
