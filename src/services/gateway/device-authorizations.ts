// Pending device authorizations (RFC 8628): created by the device endpoint, found by user code on the
// verification page, decided there, and spent by the token endpoint's poll. Device codes are stored by hash
// only, so a Redis dump cannot finish anyone's sign-in; each is spent once (device-poll-1.lua).
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';
import type { RedisContext } from '../redis/record-store.js';
import { type GatewaySettings, OAuthRefusal, type PendingSignIn } from './gateway-types.js';
import { newUserCode, normalizeUserCode } from './user-codes.js';

/** How long an expired code is still remembered, so its poll says `expired_token` rather than unknown. */
const EXPIRED_GRACE_MS = 600_000;
/** RFC 8628 §3.5: a client told to slow down adds five seconds to its interval. */
const SLOW_DOWN_STEP_MS = 5_000;

export interface AuthorizationRequest {
  surface: string | undefined;
  userAgent: string | undefined;
  address: string | undefined;
}

export interface NewAuthorization {
  deviceCode: string;
  userCode: string;
  expiresInSeconds: number;
  intervalSeconds: number;
}

/** An approved authorization, spent: who approved it and the key the device is bound to. */
export interface SpentAuthorization extends AuthorizationRequest {
  userId: string;
  keyId: string;
}

function hashCode(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

export class DeviceAuthorizations {
  constructor(
    private readonly context: RedisContext,
    private readonly settings: Pick<GatewaySettings, 'deviceCodeTtlMs' | 'pollIntervalMs'>,
    private readonly now: () => number = Date.now,
  ) {}

  async create(request: AuthorizationRequest): Promise<NewAuthorization> {
    const { redis, keys } = this.context;
    // 256 bits: guessing a device code is out of the question (RFC 8628 §5.2 asks for high entropy).
    const deviceCode = randomBytes(32).toString('base64url');
    const codeHash = hashCode(deviceCode);
    const now = this.now();
    const { deviceCodeTtlMs: ttl, pollIntervalMs: interval } = this.settings;
    const keepMs = ttl + EXPIRED_GRACE_MS;
    // User codes are short, so two live ones could collide: the first to claim a code keeps it.
    let userCode = newUserCode();
    for (let attempt = 0; ; attempt += 1) {
      const claimed = await redis.set(keys.gatewayUserCode(userCode), codeHash, 'PX', ttl, 'NX');
      if (claimed === 'OK') break;
      if (attempt >= 5) throw new AppError('unavailable', 'Could not allocate a sign-in code; try again');
      userCode = newUserCode();
    }
    const record = keys.gatewayAuthorization(codeHash);
    await redis
      .multi()
      .hset(record, {
        status: 'pending',
        code: userCode,
        expires: now + ttl,
        interval,
        created: now,
        surface: request.surface ?? '',
        agent: request.userAgent ?? '',
        address: request.address ?? '',
      })
      .pexpire(record, keepMs)
      .exec();
    return {
      deviceCode,
      userCode,
      expiresInSeconds: Math.round(ttl / 1000),
      intervalSeconds: Math.round(interval / 1000),
    };
  }

  /** The pending sign-in behind a user code, for the page that asks whether to approve it. */
  async describe(userCodeInput: string): Promise<PendingSignIn> {
    return pendingSignIn((await this.findByUserCode(userCodeInput)).fields);
  }

  /** Approves (binding the coming device to the user and key) or denies a pending sign-in, once. */
  async decide(
    userCodeInput: string,
    decision: { approved: true; userId: string; keyId: string } | { approved: false; userId: string },
  ): Promise<PendingSignIn> {
    const { record, fields } = await this.findByUserCode(userCodeInput);
    const pending = pendingSignIn(fields);
    const result = await this.context.scripts.run(
      'device-decide',
      [record],
      [
        this.now(),
        decision.approved ? 'approved' : 'denied',
        decision.userId,
        decision.approved ? decision.keyId : '',
      ],
    );
    const [status, previous] = Array.isArray(result) ? result.map(String) : [];
    if (status === 'ok') return pending;
    if (status === 'decided') throw alreadyDecided(previous);
    throw new AppError(
      'not_found',
      status === 'expired' ? 'This sign-in code has expired' : 'No such sign-in code',
    );
  }

  /** One poll of the token endpoint with a device code: the approval, spent, or the refusal to answer. */
  async poll(deviceCode: string): Promise<SpentAuthorization> {
    const record = this.context.keys.gatewayAuthorization(hashCode(deviceCode));
    const result = await this.context.scripts.run(
      'device-poll',
      [record],
      [this.now(), SLOW_DOWN_STEP_MS, Math.min(1_000, this.settings.pollIntervalMs / 2)],
    );
    const status = Array.isArray(result) ? String(result[0]) : '';
    switch (status) {
      case 'approved': {
        const fields = await this.context.redis.hgetall(record);
        if (!fields.user || !fields.key)
          throw new OAuthRefusal('invalid_grant', 'The approval is incomplete');
        return {
          userId: fields.user,
          keyId: fields.key,
          surface: fields.surface || undefined,
          userAgent: fields.agent || undefined,
          address: fields.address || undefined,
        };
      }
      case 'pending':
        throw new OAuthRefusal('authorization_pending', 'The sign-in has not been approved yet');
      case 'slow_down':
        throw new OAuthRefusal('slow_down', 'Polling too fast: wait 5 seconds longer between polls');
      case 'denied':
        throw new OAuthRefusal('access_denied', 'The sign-in was denied');
      case 'expired':
        throw new OAuthRefusal(
          'expired_token',
          'The sign-in code expired before it was approved; start again',
        );
      case 'used':
        throw new OAuthRefusal('invalid_grant', 'This device code was already exchanged for tokens');
      default:
        throw new OAuthRefusal('invalid_grant', 'Unknown device code');
    }
  }

  private async findByUserCode(input: string): Promise<{ record: string; fields: Record<string, string> }> {
    const userCode = normalizeUserCode(input);
    if (!userCode) {
      throw new AppError('invalid_request', 'A sign-in code is 8 letters, like WDJB-MJHT', {
        details: { field: 'userCode' },
      });
    }
    const { redis, keys } = this.context;
    const codeHash = await redis.get(keys.gatewayUserCode(userCode));
    const record = codeHash ? keys.gatewayAuthorization(codeHash) : undefined;
    const fields = record ? await redis.hgetall(record) : {};
    if (!record || !fields.status || Number(fields.expires) <= this.now()) {
      throw new AppError('not_found', 'No such sign-in code, or it has expired');
    }
    if (fields.status !== 'pending') throw alreadyDecided(fields.status);
    return { record, fields };
  }
}

function pendingSignIn(fields: Record<string, string>): PendingSignIn {
  return {
    userCode: fields.code ?? '',
    surface: fields.surface || undefined,
    userAgent: fields.agent || undefined,
    address: fields.address || undefined,
    requestedAt: Number(fields.created),
    expiresAt: Number(fields.expires),
  };
}

function alreadyDecided(status: string | undefined): AppError {
  return new AppError('conflict', `This sign-in was already ${status === 'denied' ? 'denied' : 'approved'}`);
}
