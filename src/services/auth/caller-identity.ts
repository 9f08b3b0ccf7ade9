// Who is calling the control plane, from the credentials an edge received: a signed-in user (bearer access
// token), a key holder (relay key), both, or nobody. GraphQL (HTTP and WebSocket) and tRPC all use this.
import { AppError } from '../../errors/app-error.js';
import type { ApiKeyService } from '../api-keys/api-key-service.js';
import { toApiKey } from '../api-keys/api-key-service.js';
import type { ApiKey } from '../api-keys/api-key-types.js';
import type { AuthService, Principal } from './auth-service.js';

export interface CallerCredentials {
  /** An `Authorization` value: `Bearer <access token>` signs a user in. */
  authorization?: string | undefined;
  /** A relay key (`x-api-key`): its holder may read that key's own limits and usage. */
  apiKey?: string | undefined;
}

export interface CallerIdentity {
  /** The signed-in user; undefined for anonymous callers and for tokens that did not sign anyone in. */
  principal: Principal | undefined;
  /** Why a bearer token that was sent signed no one in (expired, ended); protected fields report it. */
  authError: AppError | undefined;
  /** The key behind a presented relay key, without its hash. */
  keyHolder: ApiKey | undefined;
  /** Why a relay key that was sent was refused (unknown, disabled). */
  keyError: AppError | undefined;
}

/**
 * A bad or ended token leaves the caller anonymous rather than failing the request, so login and refresh
 * still work with a stale header; the refusal is kept for the fields that need a user.
 */
export async function identifyCaller(
  auth: AuthService,
  keys: ApiKeyService,
  credentials: CallerCredentials,
): Promise<CallerIdentity> {
  const bearer = /^Bearer\s+(.+)$/i.exec(credentials.authorization?.trim() ?? '')?.[1];
  const relayKey = credentials.apiKey?.trim();
  const [user, holder] = await Promise.all([
    bearer ? settle(auth.authenticate(bearer)) : undefined,
    relayKey ? settle(keys.authenticateEnabled(relayKey).then(toApiKey)) : undefined,
  ]);
  return {
    principal: user?.value,
    authError: user?.error,
    keyHolder: holder?.value,
    keyError: holder?.error,
  };
}

async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: AppError }> {
  try {
    return { value: await promise };
  } catch (error) {
    if (error instanceof AppError) return { error };
    throw error;
  }
}
