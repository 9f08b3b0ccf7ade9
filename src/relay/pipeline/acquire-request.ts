// How a request's accounts are chosen: the route's pool, limited to the kinds that serve its format and
// operation (as they speak it, or by translation where the pool speaks none of it), the key's binding first and
// its session's pin next.
import type { RequestContext } from '../../http/route-table.js';
import type { AccountType } from '../../services/accounts/account-types.js';
import type { StoredApiKey } from '../../services/api-keys/api-key-types.js';
import type { AcquireRequest } from '../../services/scheduler/account-scheduler.js';
import { servingPlan } from '../providers/registry.js';
import type { RelayRoute } from './relay-route.js';

export function acquireRequestFor(
  key: StoredApiKey,
  context: RequestContext,
  route: RelayRoute,
  model: string | undefined,
  session: string | undefined,
  /** The kinds that serve it, when the caller has read the serving plan already. */
  types: readonly AccountType[] = servingPlan(route.format.name, route.operation, route.platform).types,
): AcquireRequest {
  const binding = key.bindings[route.platform];
  return {
    platform: route.platform,
    model,
    requestId: context.requestId,
    types,
    ...(session ? { session: { keyId: key.id, id: session } } : {}),
    ...(binding ? { binding: { ...binding, fallback: key.bindingFallback } } : {}),
  };
}
