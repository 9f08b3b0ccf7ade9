// Builds the gateway sign-in over the services it stands on, with token settings of its own: a device's tokens
// are a separate kind (audience `gateway`, refresh tokens `grt_…`) that the control plane never accepts.
import type { ApiKeyService } from '../api-keys/api-key-service.js';
import { SessionTokens } from '../auth/session-tokens.js';
import type { EventBus } from '../events/event-bus.js';
import type { RedisContext } from '../redis/record-store.js';
import type { UserService } from '../users/user-service.js';
import { GatewayService } from './gateway-service.js';
import { DEFAULT_GATEWAY_SETTINGS, type GatewaySettings } from './gateway-types.js';

export function createGatewayService(
  parts: { context: RedisContext; bus: EventBus; users: UserService; apiKeys: ApiKeyService },
  signingKey: string,
  overrides: Partial<GatewaySettings> = {},
): GatewayService {
  const settings = { ...DEFAULT_GATEWAY_SETTINGS, ...overrides };
  const tokens = new SessionTokens(parts.context, {
    signingKey,
    accessTtlMs: settings.accessTtlMs,
    refreshTtlMs: settings.refreshTtlMs,
    audience: 'gateway',
    refreshPrefix: 'grt_',
  });
  return new GatewayService(parts.context, parts.bus, parts.users, parts.apiKeys, tokens, settings);
}
