// Claude Code's gateway sign-in, the service side: the device flow (RFC 8628) from code to tokens, the
// signed-in user's approval on the verification page, refresh with rotation and reuse detection (the control
// plane's session machinery, with its own audience and token prefix), revocation, and the bearer check every
// gateway request passes. A device is bound to its user and to one of their relay keys: what the device sends
// is served, limited and billed as that key.
import { AppError } from '../../errors/app-error.js';
import { API_KEYS_TOPIC, type ApiKeyService } from '../api-keys/api-key-service.js';
import type { StoredApiKey } from '../api-keys/api-key-types.js';
import type { AccessClaims, IssuedTokens, SessionTokens } from '../auth/session-tokens.js';
import { InvalidatingCache } from '../cache/invalidating-cache.js';
import type { EventBus } from '../events/event-bus.js';
import type { RecordPage } from '../redis/pagination.js';
import type { RedisContext } from '../redis/record-store.js';
import type { UserService } from '../users/user-service.js';
import type { User } from '../users/user-types.js';
import {
  type AuthorizationRequest,
  DeviceAuthorizations,
  type NewAuthorization,
} from './device-authorizations.js';
import { DeviceRegistry } from './device-registry.js';
import {
  type DeviceTokens,
  type GatewayDevice,
  type GatewaySettings,
  OAuthRefusal,
  type PendingSignIn,
} from './gateway-types.js';
import { TelemetryCounts } from './telemetry-counts.js';
import { VerifyLimiter } from './verify-limiter.js';

export const GATEWAY_TOPIC = 'gateway-devices';
/** The invalidation message that drops every cached device (a user changed; rare). */
const EVERYTHING = '*';

/** Who a gateway request comes from: the person, their device and the key it is served as. */
export interface GatewayCaller {
  userId: string;
  deviceId: string;
  key: StoredApiKey;
}

interface Binding {
  userId: string;
  sessionVersion: number;
  key: StoredApiKey;
}

const SIGNED_OUT = 'This sign-in has ended (signed out, revoked, or the user changed); run /login again';

export class GatewayService {
  readonly authorizations: DeviceAuthorizations;
  readonly devices: DeviceRegistry;
  /** Tries of the verification page per address. */
  readonly verifyLimiter: VerifyLimiter;
  /** Per-user counts of what signed-in clients report in their telemetry. */
  readonly telemetry: TelemetryCounts;
  /** Live bindings by device id, dropped at once on revocation by any instance. */
  private readonly bindings: InvalidatingCache<Binding | null>;
  /** Verified access tokens, so a request costs a Map lookup rather than an HMAC. Bounded. */
  private readonly verified = new Map<string, AccessClaims>();

  constructor(
    private readonly context: RedisContext,
    private readonly bus: EventBus,
    private readonly users: UserService,
    private readonly apiKeys: ApiKeyService,
    private readonly tokens: SessionTokens,
    readonly settings: GatewaySettings,
    private readonly now: () => number = Date.now,
  ) {
    this.authorizations = new DeviceAuthorizations(context, settings, now);
    this.devices = new DeviceRegistry(context, now);
    this.verifyLimiter = new VerifyLimiter(context, settings);
    this.telemetry = new TelemetryCounts(context, now);
    this.bindings = new InvalidatingCache({ ttlMs: 30_000, maxEntries: 50_000, now });
  }

  async start(): Promise<void> {
    await this.bindings.attach(this.bus, GATEWAY_TOPIC);
    // A key's change (disabled, limits, deleted) must reach its devices as it reaches the key's own holders.
    await this.bus.subscribe(API_KEYS_TOPIC, {
      onMessage: () => this.bindings.clear(),
      onResync: () => this.bindings.clear(),
    });
  }

  /** The device endpoint: a new pending sign-in. */
  authorize(request: AuthorizationRequest): Promise<NewAuthorization> {
    return this.authorizations.create(request);
  }

  /** The token endpoint's device grant: tokens once the code was approved, else the protocol's refusal. */
  async exchangeDeviceCode(deviceCode: string): Promise<DeviceTokens> {
    const spent = await this.authorizations.poll(deviceCode);
    const [user, key] = await Promise.all([
      this.users.get(spent.userId),
      this.apiKeys.findStored(spent.keyId),
    ]);
    if (!user || user.disabled || !key?.enabled) {
      throw new OAuthRefusal('access_denied', 'The approving user or their key is no longer active');
    }
    const device = await this.devices.create(
      {
        userId: user.id,
        keyId: key.id,
        ...(spent.surface ? { surface: spent.surface.slice(0, 64) } : {}),
        ...(spent.userAgent ? { userAgent: spent.userAgent.slice(0, 200) } : {}),
        ...(spent.address ? { address: spent.address.slice(0, 64) } : {}),
      },
      this.settings.refreshTtlMs,
    );
    return this.deviceTokens(await this.tokens.start(user, device.id), user);
  }

  /**
   * The refresh grant: a rotated pair while the device, its user and its key are all still good. Anything
   * else is `invalid_grant`, which sends the person back to `/login` — the deprovisioning hook.
   */
  async refresh(refreshToken: string): Promise<DeviceTokens> {
    let tokens: IssuedTokens;
    let holder: User | undefined;
    try {
      tokens = await this.tokens.rotate(refreshToken, async (userId) => {
        const user = await this.users.get(userId);
        holder = user && !user.disabled ? user : undefined;
        return holder;
      });
    } catch (error) {
      if (error instanceof AppError && error.code === 'unauthenticated') {
        // A replayed token ended its family in the store; the device's cached binding must end with it.
        const deviceId = await this.tokens.familyOf(refreshToken);
        if (deviceId !== undefined) await this.forget(deviceId);
        throw new OAuthRefusal('invalid_grant', error.message);
      }
      throw error;
    }
    const deviceId = (await this.tokens.verifyAccess(tokens.accessToken)).familyId;
    const device = await this.devices.get(deviceId);
    const key = device && (await this.apiKeys.findStored(device.keyId));
    if (!holder || !device || device.userId !== holder.id || !key?.enabled) {
      await this.tokens.end(deviceId);
      await this.forget(deviceId);
      throw new OAuthRefusal('invalid_grant', SIGNED_OUT);
    }
    await this.devices.extend(deviceId, this.settings.refreshTtlMs);
    return this.deviceTokens(tokens, holder);
  }

  /**
   * RFC 7009: sign-out sends the access token, then the refresh token. Either ends the device; an unknown or
   * malformed token ends nothing and is not an error.
   */
  async revokeToken(token: string): Promise<void> {
    let deviceId = await this.tokens.familyOf(token);
    if (deviceId === undefined) {
      try {
        deviceId = (await this.tokens.verifyAccess(token)).familyId;
      } catch {
        return;
      }
    }
    const device = await this.devices.get(deviceId);
    if (device) await this.revoke(device);
    else await this.tokens.end(deviceId);
  }

  /** The bearer check of every gateway request: a Map lookup while warm, Redis only on a miss. */
  async authenticate(accessToken: string): Promise<GatewayCaller> {
    const claims = await this.claimsOf(accessToken);
    const binding = await this.bindings.getOrLoad(claims.familyId, () => this.loadBinding(claims.familyId));
    if (!binding || binding.userId !== claims.userId || binding.sessionVersion !== claims.sessionVersion) {
      throw new AppError('unauthenticated', SIGNED_OUT, { details: { reason: 'session_ended' } });
    }
    return { userId: binding.userId, deviceId: claims.familyId, key: binding.key };
  }

  /** The verification page's look at a pending sign-in. */
  describe(userCode: string): Promise<PendingSignIn> {
    return this.authorizations.describe(userCode);
  }

  /**
   * Approves a pending sign-in for `user`, bound to `keyId` (one of the user's enabled keys) or else to the
   * user's default gateway key, created on first use.
   */
  async approve(user: User, userCode: string, keyId: string | undefined): Promise<PendingSignIn> {
    const pending = await this.authorizations.describe(userCode);
    const key = keyId === undefined ? await this.defaultKey(user) : await this.ownKey(user, keyId);
    await this.authorizations.decide(userCode, { approved: true, userId: user.id, keyId: key.id });
    return pending;
  }

  deny(user: User, userCode: string): Promise<PendingSignIn> {
    return this.authorizations.decide(userCode, { approved: false, userId: user.id });
  }

  listDevices(options: {
    userId?: string;
    limit?: number;
    cursor?: string;
  }): Promise<RecordPage<GatewayDevice>> {
    return this.devices.list(options);
  }

  getDevice(id: string): Promise<GatewayDevice | undefined> {
    return this.devices.get(id);
  }

  /** Ends a device: its refresh fails with `invalid_grant`, its next request with 401, on every instance. */
  async revoke(device: GatewayDevice): Promise<void> {
    await this.tokens.end(device.id);
    await this.devices.remove(device);
    await this.forget(device.id);
  }

  /** Drops a device's cached binding here and on every other instance. */
  private async forget(deviceId: string): Promise<void> {
    await this.bindings.invalidate(this.bus, GATEWAY_TOPIC, deviceId);
  }

  /** A user's role, access or password changed: their devices are checked afresh on their next request. */
  async userChanged(): Promise<void> {
    await this.bindings.invalidate(this.bus, GATEWAY_TOPIC, EVERYTHING);
  }

  private async claimsOf(accessToken: string): Promise<AccessClaims> {
    const known = this.verified.get(accessToken);
    if (known && known.expiresAt > this.now()) return known;
    const claims = await this.tokens.verifyAccess(accessToken);
    if (this.verified.size >= 10_000) this.verified.clear();
    // Verified once; it stays good until its own expiry (revocation is the binding's business, not the token's).
    this.verified.set(accessToken, claims);
    return claims;
  }

  private async loadBinding(deviceId: string): Promise<Binding | null> {
    const [device, live] = await Promise.all([this.devices.get(deviceId), this.tokens.isLive(deviceId)]);
    if (!device || !live) return null;
    const [user, key] = await Promise.all([
      this.users.get(device.userId),
      this.apiKeys.findStored(device.keyId),
    ]);
    if (!user || user.disabled || !key?.enabled) return null;
    return { userId: user.id, sessionVersion: user.sessionVersion, key };
  }

  private async ownKey(user: User, keyId: string): Promise<StoredApiKey> {
    const key = await this.apiKeys.findStored(keyId);
    if (!key || key.ownerId !== user.id) {
      throw new AppError('not_found', 'No such key among yours', { details: { field: 'keyId' } });
    }
    if (!key.enabled) throw new AppError('conflict', 'That key is disabled', { details: { field: 'keyId' } });
    return key;
  }

  /** The user's default gateway key: made once (its secret is never shown: devices hold tokens, not keys). */
  private async defaultKey(user: User): Promise<StoredApiKey> {
    const { redis, keys } = this.context;
    const pointer = keys.gatewayDefaultKey(user.id);
    const existing = await redis.get(pointer);
    const key = existing ? await this.apiKeys.findStored(existing) : undefined;
    if (key) {
      if (!key.enabled) throw new AppError('conflict', 'Your default sign-in key is disabled; choose a key');
      return key;
    }
    const created = await this.apiKeys.create({
      name: `Gateway sign-in: ${user.username}`,
      description: 'Bound to the devices this user signs in with /login; created on their first approval.',
      ownerId: user.id,
      tags: ['gateway'],
    });
    // Two approvals racing each create a key; the first pointer wins and the other key is removed.
    if ((await redis.set(pointer, created.key.id, 'NX')) !== 'OK') {
      await this.apiKeys.delete(created.key.id);
      return this.defaultKey(user);
    }
    const stored = await this.apiKeys.findStored(created.key.id);
    if (!stored) throw new AppError('internal', 'The default key vanished as it was created');
    return stored;
  }

  private deviceTokens(tokens: IssuedTokens, user: User): DeviceTokens {
    return {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresInSeconds: Math.max(1, Math.round((tokens.accessExpiresAt - this.now()) / 1000)),
      account: user.username,
    };
  }
}
