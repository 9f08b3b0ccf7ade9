// The key restrictions every relay route checks before admission: expiry, platform, model lists and client.
import { AppError } from '../../errors/app-error.js';
import type { StoredApiKey } from '../api-keys/api-key-types.js';
import { matchesAnyModelPattern } from '../domain/model-patterns.js';
import type { ClientKind, Platform } from '../domain/platforms.js';

export interface RestrictedRequest {
  platform: Platform;
  /** Undefined for calls that name no model (model lists). */
  model: string | undefined;
  /** The AI client recognised from the request, if any. */
  client: ClientKind | undefined;
  now: number;
}

/** Throws the AppError the client should see, or returns when the key may make this request. */
export function checkKeyRestrictions(key: StoredApiKey, request: RestrictedRequest): void {
  if (!key.enabled)
    throw new AppError('unauthenticated', 'This API key is disabled', {
      details: { reason: 'key_disabled' },
    });
  if (key.expiry.kind === 'fixed' && request.now >= key.expiry.expiresAt) {
    throw new AppError('unauthenticated', 'This API key has expired', {
      details: { reason: 'key_expired', expiredAt: key.expiry.expiresAt },
    });
  }
  if (key.platforms.length > 0 && !key.platforms.includes(request.platform)) {
    throw denied('platform_not_allowed', `This API key may not use the ${request.platform} platform`, {
      platform: request.platform,
      allowed: key.platforms,
    });
  }
  if (request.model !== undefined) {
    const refusal = modelRefusal(key, request.model);
    if (refusal) throw refusal;
  }
  if (key.clients.length > 0 && (request.client === undefined || !key.clients.includes(request.client))) {
    throw denied('client_not_allowed', `This API key may only be used from ${key.clients.join(', ')}`, {
      client: request.client ?? 'unrecognised',
      allowed: key.clients,
    });
  }
}

/** Whether the key's model lists let it ask for this model: what a model list shows it. */
export function keyMayUseModel(key: StoredApiKey, model: string): boolean {
  return modelRefusal(key, model) === undefined;
}

function modelRefusal(key: StoredApiKey, model: string): AppError | undefined {
  // The deny-list wins over the allow-list: a pattern allowing a family can still exclude one model.
  if (matchesAnyModelPattern(model, key.modelDeny)) {
    return denied('model_denied', `This API key may not use the model ${model}`, { model });
  }
  if (key.modelAllow.length > 0 && !matchesAnyModelPattern(model, key.modelAllow)) {
    return denied('model_not_allowed', `This API key may not use the model ${model}`, {
      model,
      allowed: key.modelAllow,
    });
  }
  return undefined;
}

function denied(reason: string, message: string, details: Record<string, unknown>): AppError {
  return new AppError('permission_denied', message, { details: { reason, ...details } });
}
