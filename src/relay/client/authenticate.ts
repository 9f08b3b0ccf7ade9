// Authenticates a relay request by its key; every failure is a 401 that says what to fix. A connection that
// carried an authenticated request no longer counts against the bound on anonymous connections.
import type { IncomingMessage } from 'node:http';
import { AppError } from '../../errors/app-error.js';
import { markAuthenticated } from '../../http/connection-limits.js';
import type { RequestContext } from '../../http/route-table.js';
import type { StoredApiKey } from '../../services/api-keys/api-key-types.js';
import type { RelayDeps } from '../relay-deps.js';
import { extractRelayKey } from './extract-key.js';

export async function authenticateRequest(
  req: IncomingMessage,
  context: RequestContext,
  deps: RelayDeps,
): Promise<StoredApiKey> {
  const secret = presentedSecret(req, context, deps);
  // A key not cached yet is looked up in Redis: bounded like every request step that needs it. A device signed
  // in through the gateway protocol presents its access token instead, and is served as the key it is bound to.
  const key = isGatewayToken(secret, deps.settings.apiKeyPrefix)
    ? (await deps.store.guard(() => deps.gateway.authenticate(secret))).key
    : await relayKey(secret, deps);
  markAuthenticated(req.socket);
  return key;
}

/** Who stands behind a request: its key, and the person it is for (the device's user, or the key's owner). */
export interface KeyHolder {
  key: StoredApiKey;
  userId: string | undefined;
  /** Set when a device signed in through the gateway protocol presented its access token. */
  deviceId?: string | undefined;
}

/** As `authenticateRequest`, for the routes that also need the person (model lists, the gateway's endpoints). */
export async function authenticateHolder(
  req: IncomingMessage,
  context: RequestContext,
  deps: RelayDeps,
): Promise<KeyHolder> {
  const secret = presentedSecret(req, context, deps);
  if (isGatewayToken(secret, deps.settings.apiKeyPrefix)) {
    const caller = await deps.store.guard(() => deps.gateway.authenticate(secret));
    markAuthenticated(req.socket);
    return caller;
  }
  const key = await relayKey(secret, deps);
  markAuthenticated(req.socket);
  return { key, userId: key.ownerId };
}

/** A relay key from memory when cached; otherwise from Redis, bounded like every request step that needs it. */
function relayKey(secret: string, deps: RelayDeps): StoredApiKey | Promise<StoredApiKey> {
  return (
    deps.apiKeys.enabledFromCache(secret) ?? deps.store.guard(() => deps.apiKeys.authenticateEnabled(secret))
  );
}

function presentedSecret(req: IncomingMessage, context: RequestContext, deps: RelayDeps): string {
  const secret = extractRelayKey(req.headers, context.query, deps.settings.apiKeyPrefix);
  if (!secret) {
    throw new AppError(
      'unauthenticated',
      'Missing API key: send it as x-api-key or Authorization: Bearer <key>',
    );
  }
  return secret;
}

/** Gateway access tokens are JWTs (`eyJ…`, three parts); relay keys carry the configured prefix. */
function isGatewayToken(secret: string, keyPrefix: string): boolean {
  return secret.startsWith('eyJ') && !secret.startsWith(keyPrefix) && secret.split('.').length === 3;
}
