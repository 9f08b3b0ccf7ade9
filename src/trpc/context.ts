// The tRPC context: who is calling (a signed-in user, a key holder, or nobody), built from plain values so the
// router runs the same under the HTTP adapter and under `createCaller` in tests.
import type { AppError } from '../errors/app-error.js';
import type { ApiKey } from '../services/api-keys/api-key-types.js';
import type { Principal } from '../services/auth/auth-service.js';
import { identifyCaller } from '../services/auth/caller-identity.js';
import type { Services } from '../services/container.js';

export interface TrpcCaller {
  services: Services;
  requestId: string;
  /** The caller's address, for the login rate limit and the audit log. */
  address: string;
  /** The `Authorization` header: `Bearer <access token>` signs a user in. */
  authorization?: string | undefined;
  /** The `x-api-key` header: a relay key whose holder may read that key's own limits and usage. */
  apiKey?: string | undefined;
}

export interface TrpcContext {
  services: Services;
  requestId: string;
  address: string;
  /** The signed-in user; undefined for anonymous callers and for tokens that did not sign anyone in. */
  principal: Principal | undefined;
  /** Why a bearer token that was sent signed no one in (expired, ended); protected procedures report it. */
  authError: AppError | undefined;
  /** The key behind `x-api-key`, without its hash. */
  keyHolder: ApiKey | undefined;
  /** Why a relay key that was sent was refused. */
  keyError: AppError | undefined;
}

export async function createTrpcContext(caller: TrpcCaller): Promise<TrpcContext> {
  const { services } = caller;
  return {
    services,
    requestId: caller.requestId,
    address: caller.address,
    ...(await identifyCaller(services.auth, services.apiKeys, caller)),
  };
}
