// One request's part of the admission calls: its arguments for its key's call and for its owner's, each with
// the claim record the reconciler reads if the request's instance dies.

import type { AdmissionInput } from './admission-types.js';
import type { CostBound } from './cost-bound.js';
import type { LostRequestInfo } from './lost-request.js';
import type { SpendCounter } from './spend-counters.js';

/** How an owner is named in the reconciler's index, beside the key ids (which never start with it). */
export const OWNER_MEMBER = 'u:';

export function ownerMember(userId: string): string {
  return `${OWNER_MEMBER}${userId}`;
}

/**
 * Request id, worst case, floor, claim tail, number of cost limits, then each limit's quadruple (name, counter
 * suffix, limit, period end): what admission-n.lua reads per request, for the counters of one side.
 */
export function admissionRequestArgs(
  input: AdmissionInput,
  spent: readonly SpendCounter[],
  bound: CostBound | undefined,
  at: number,
): Array<string | number> {
  const limited = limitedCounters(spent);
  const args: Array<string | number> = [
    input.requestId,
    bound?.worstMicros ?? 0,
    bound?.floorMicros ?? 0,
    claimTail(input, spent, bound, at),
    limited.length,
  ];
  for (const counter of limited)
    args.push(counter.name, counter.suffix, counter.limitMicros ?? 0, counter.endsAt);
  return args;
}

/** The counters admission checks against a limit; the others are only charged at settle. */
function limitedCounters(spent: readonly SpendCounter[]): SpendCounter[] {
  return spent.filter((counter) => counter.limitMicros !== undefined);
}

/** Their keys' suffixes in the slot, which admission declares. */
export function limitedSuffixes(spent: readonly SpendCounter[]): string[] {
  return limitedCounters(spent).map((counter) => counter.suffix);
}

/**
 * The part of a request's claim after "<reserved>|<limited suffixes>|", which the reconciler reads when the
 * request's instance dies: the counters to charge (suffix:ttl), the estimated cost to charge them, and what
 * its ledger entry needs. The model comes last, inside the JSON, so that no character of it can break the
 * record's fields.
 */
function claimTail(
  input: AdmissionInput,
  counters: readonly SpendCounter[],
  bound: CostBound | undefined,
  at: number,
): string {
  const charged = counters.map((counter) => `${counter.suffix}:${counter.ttlSeconds}`).join(',');
  const info: LostRequestInfo = {
    at,
    platform: input.platform,
    model: input.model,
    inputTokens: input.input.estimateTokens,
    stream: input.stream,
    ...(input.clientRequestId === undefined ? {} : { clientRequestId: input.clientRequestId }),
    ...(input.key.ownerId === undefined ? {} : { userId: input.key.ownerId }),
    ...(input.clientFormat === undefined ? {} : { clientFormat: input.clientFormat }),
    ...(input.client === undefined ? {} : { client: input.client }),
  };
  return `${charged}|${bound?.estimateMicros ?? 0}|${JSON.stringify(info)}`;
}
