// Records a relayed request's outcome; a failure to record is logged, never thrown at the client.
import type { AdmissionTicket } from '../../services/admission/admission-service.js';
import type { AccountLease } from '../../services/scheduler/account-scheduler.js';
import type { ExchangeResult } from '../exchange/exchange.js';
import type { RelayDeps } from '../relay-deps.js';

export interface RequestFacts {
  requestId: string;
  clientRequestId: string | undefined;
  keyId: string;
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
    });
  } catch (error) {
    // The lease expires by itself; the entry is lost only if Redis is down, which the log must show.
    deps.logger.error({ err: error, requestId: facts.requestId }, 'failed to settle request usage');
  }
}
