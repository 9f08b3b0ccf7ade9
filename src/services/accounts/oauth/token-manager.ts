// Access tokens of OAuth accounts (every OAuth kind, and Droid's WorkOS tokens), refreshed ahead of expiry by one
// instance at a time: the holder of a Redis lock calls the kind's token endpoint and announces the outcome; the
// other instances wait for that announcement.

import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../../errors/app-error.js';
import { assertNever } from '../../../lib/assert-never.js';
import type { EventBus } from '../../events/event-bus.js';
import { type JobStatus, JobTracker } from '../../jobs/job-status.js';
import type { RedisContext } from '../../redis/record-store.js';
import type { AccountService } from '../account-service.js';
import {
  type AccountRuntime,
  type AccountSecrets,
  isTokenType,
  type TokenAccountType,
} from '../account-types.js';
import type { AccessTokenSource } from '../credential-source.js';
import type { UpstreamDispatchers } from '../upstream-dispatchers.js';
import type { OAuthClients } from './oauth-client.js';
import { grantSecrets } from './token-grant.js';

/** A token refused this soon after a refresh means the account, not the token, is refused. */
const REJECTED_AFTER_REFRESH_MS = 60_000;

/** Announces that a refresh finished; the message names the account and the outcome, never a token. */
export const OAUTH_REFRESHED_TOPIC = 'oauth-refreshed';

const announcementSchema = z.object({
  accountId: z.string(),
  outcome: z.enum(['refreshed', 'rejected', 'failed']),
});
type Announcement = z.infer<typeof announcementSchema>;

/** Why a waiter stopped waiting: an announcement, its own timeout, or a reconnect that may have lost one. */
type WaitOutcome = Announcement['outcome'] | 'timeout' | 'resync' | 'cancelled';

interface Waiter {
  settle(outcome: WaitOutcome): void;
}

/** Tokens expiring sooner than their kind's `refreshSkewMs` (OAuthSettings) are refreshed before use. */
export interface TokenManagerSettings {
  /** Longer than one token call (15 s), so a live holder keeps the lock; bounds a crashed holder's hold. */
  lockTtlMs?: number;
  /** How long to wait for an announcement before checking Redis again: the holder may have crashed. */
  waitTimeoutMs?: number;
  /** Checks before giving up; the default outlasts a crashed holder's lock. */
  maxAttempts?: number;
}

export class OAuthTokenManager implements AccessTokenSource {
  /** One refresh (or wait) per account in this process; concurrent callers share it. */
  private readonly inFlight = new Map<string, Promise<string>>();
  /** Access tokens the upstream refused: never used again, whatever their expiry says. */
  private readonly rejected = new Set<string>();
  /** When this instance last obtained a new token per account. */
  private readonly refreshedAt = new Map<string, number>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly lockTtlMs: number;
  private readonly waitTimeoutMs: number;
  private readonly maxAttempts: number;
  /** Refreshes this instance made (on demand, ahead of expiry): system status shows the last of them. */
  private readonly refreshes = new JobTracker('token-refresh', () => true);

  constructor(
    private readonly context: RedisContext,
    private readonly bus: EventBus,
    private readonly accounts: AccountService,
    private readonly clients: OAuthClients,
    settings: TokenManagerSettings = {},
    /**
     * How an account's refresh call travels: through the account's proxy, like its relayed requests (an account
     * behind a proxy must not show the token endpoint another address). Without it, calls go direct.
     */
    private readonly dispatchers?: UpstreamDispatchers,
    private readonly now: () => number = Date.now,
  ) {
    this.lockTtlMs = settings.lockTtlMs ?? 30_000;
    this.waitTimeoutMs = settings.waitTimeoutMs ?? 5_000;
    this.maxAttempts = settings.maxAttempts ?? Math.ceil(this.lockTtlMs / this.waitTimeoutMs) + 2;
  }

  status(): JobStatus {
    return this.refreshes.status();
  }

  /** Subscribes once for every account; waiters are matched to announcements in memory. */
  async start(): Promise<() => Promise<void>> {
    return this.bus.subscribe(OAUTH_REFRESHED_TOPIC, {
      onMessage: (message) => this.onAnnouncement(message),
      // Announcements sent while the subscriber was away are lost: every waiter looks at Redis again.
      onResync: () => {
        for (const accountId of [...this.waiters.keys()]) this.wake(accountId, 'resync');
      },
    });
  }

  /** The hot path answers from the runtime in memory; only a token near expiry costs Redis calls. */
  accessToken(runtime: AccountRuntime): Promise<string> {
    if (!isTokenType(runtime.account.type)) return Promise.reject(notOAuth(runtime));
    const token = this.fresh(runtime);
    if (token !== undefined) return Promise.resolve(token);
    const accountId = runtime.account.id;
    const running = this.inFlight.get(accountId);
    if (running) return running;
    const refresh = this.refreshOrWait(accountId)
      .then((fresh) => {
        this.refreshedAt.set(accountId, this.now());
        return fresh;
      })
      .finally(() => this.inFlight.delete(accountId));
    this.inFlight.set(accountId, refresh);
    return refresh;
  }

  /**
   * The upstream refused an access token before its time (revoked, or rotated elsewhere): the next use
   * refreshes it. Returns false when the token came from a refresh moments ago, so a new one would not help
   * and the account itself is refused.
   */
  tokenRejected(runtime: AccountRuntime): boolean {
    const { accessToken } = runtime.secrets;
    if (accessToken === undefined) return false;
    const lastRefresh = this.refreshedAt.get(runtime.account.id);
    if (lastRefresh !== undefined && this.now() - lastRefresh < REJECTED_AFTER_REFRESH_MS) return false;
    if (this.rejected.size >= 10_000) this.rejected.clear();
    this.rejected.add(accessToken);
    return true;
  }

  /** Whether this instance is waiting for another instance's refresh of the account (for diagnostics). */
  isWaiting(accountId: string): boolean {
    return (this.waiters.get(accountId)?.size ?? 0) > 0;
  }

  private async refreshOrWait(accountId: string): Promise<string> {
    // After an announced refresh, a token inside the skew is still the newest there is: refreshing again would
    // loop if the endpoint issues tokens shorter-lived than the skew.
    let announced = false;
    for (let attempt = 0; attempt < this.maxAttempts; attempt += 1) {
      const current = await this.load(accountId);
      const token = announced ? this.unexpired(current.secrets) : this.fresh(current);
      if (token !== undefined) return token;

      // Listening before trying the lock: the holder may announce at any moment after our attempt fails.
      const waiting = this.waitFor(accountId);
      const owner = randomUUID();
      let acquired: boolean;
      try {
        acquired =
          (await this.context.redis.set(this.lockKey(accountId), owner, 'PX', this.lockTtlMs, 'NX')) === 'OK';
      } catch (error) {
        waiting.cancel();
        throw error;
      }
      if (acquired) {
        waiting.cancel();
        return this.refreshes.pass(() => this.refreshHolding(accountId, owner));
      }
      const outcome = await waiting.outcome;
      switch (outcome) {
        case 'rejected':
          throw refreshRejected(accountId);
        case 'failed':
          throw new AppError(
            'upstream_error',
            `Refreshing the access token of account ${accountId} failed on another instance`,
            {
              details: { accountId },
            },
          );
        case 'refreshed':
          announced = true;
          break;
        case 'timeout':
        case 'resync':
        case 'cancelled':
          break;
        default:
          return assertNever(outcome);
      }
    }
    throw new AppError('upstream_timeout', `Timed out waiting for the access token of account ${accountId}`, {
      details: { accountId },
    });
  }

  private async refreshHolding(accountId: string, owner: string): Promise<string> {
    let outcome: Announcement['outcome'] = 'failed';
    try {
      // The previous holder may have finished between our read and our lock: its write is in Redis now.
      const latest = await this.load(accountId);
      const token = this.fresh(latest);
      if (token !== undefined) {
        outcome = 'refreshed';
        return token;
      }
      const refreshToken = latest.secrets.refreshToken;
      if (refreshToken === undefined) throw refreshRejected(accountId);
      const requestedAt = this.now();
      const dispatcher = this.dispatchers?.dispatcherFor(latest.account.proxy, latest.secrets.proxyPassword);
      const grant = await this.clients
        .for(tokenTypeOf(latest))
        .refresh(refreshToken, dispatcher)
        .catch((error: unknown) => {
          throw error instanceof AppError && error.code === 'upstream_auth_failed'
            ? refreshRejected(accountId, error)
            : error;
        });
      // Rotation has already invalidated the old refresh token: the new one must be stored before anything else.
      await this.accounts.replaceSecrets(accountId, (current) => ({
        ...current,
        ...grantSecrets(grant, requestedAt, current.refreshToken),
      }));
      outcome = 'refreshed';
      return grant.accessToken;
    } catch (error) {
      if (error instanceof AppError && error.code === 'upstream_auth_failed') outcome = 'rejected';
      throw error;
    } finally {
      // Neither failure may hide the refresh's own result: an unreleased lock expires, and a lost announcement
      // only makes the waiters look again after their timeout.
      await this.context.scripts
        .run('lock-release', [this.lockKey(accountId)], [owner])
        .catch(() => undefined);
      await this.bus
        .publish(OAUTH_REFRESHED_TOPIC, JSON.stringify({ accountId, outcome } satisfies Announcement))
        .catch(() => undefined);
    }
  }

  private fresh(runtime: AccountRuntime): string | undefined {
    const { accessToken, expiresAt } = runtime.secrets;
    if (accessToken === undefined || expiresAt === undefined || this.rejected.has(accessToken))
      return undefined;
    const { refreshSkewMs } = this.clients.settings[tokenTypeOf(runtime)];
    return expiresAt - refreshSkewMs > this.now() ? accessToken : undefined;
  }

  private unexpired(secrets: AccountSecrets): string | undefined {
    const { accessToken, expiresAt } = secrets;
    if (accessToken === undefined || expiresAt === undefined || this.rejected.has(accessToken))
      return undefined;
    return expiresAt > this.now() ? accessToken : undefined;
  }

  /** Straight from Redis: the cached runtime may predate another instance's refresh. */
  private async load(accountId: string): Promise<AccountRuntime> {
    const runtime = await this.accounts.loadRuntime(accountId);
    if (!runtime) throw new AppError('not_found', `Account ${accountId} does not exist`);
    return runtime;
  }

  private lockKey(accountId: string): string {
    return this.context.keys.lock(`oauth-refresh:${accountId}`);
  }

  private waitFor(accountId: string): { outcome: Promise<WaitOutcome>; cancel: () => void } {
    const waiters = this.waiters.get(accountId) ?? new Set<Waiter>();
    this.waiters.set(accountId, waiters);
    let timer: NodeJS.Timeout | undefined;
    const waiter: Waiter = { settle: () => {} };
    const outcome = new Promise<WaitOutcome>((resolve) => {
      waiter.settle = (result) => {
        clearTimeout(timer);
        waiters.delete(waiter);
        if (waiters.size === 0 && this.waiters.get(accountId) === waiters) this.waiters.delete(accountId);
        resolve(result);
      };
    });
    timer = setTimeout(() => waiter.settle('timeout'), this.waitTimeoutMs);
    waiters.add(waiter);
    return { outcome, cancel: () => waiter.settle('cancelled') };
  }

  private onAnnouncement(message: string): void {
    const parsed = announcementSchema.safeParse(parseJson(message));
    if (parsed.success) this.wake(parsed.data.accountId, parsed.data.outcome);
  }

  private wake(accountId: string, outcome: WaitOutcome): void {
    for (const waiter of [...(this.waiters.get(accountId) ?? [])]) waiter.settle(outcome);
  }
}

/** The token kind of an account whose access token is asked for; any other kind has no token to give. */
function tokenTypeOf(runtime: AccountRuntime): TokenAccountType {
  const { type } = runtime.account;
  if (isTokenType(type)) return type;
  throw notOAuth(runtime);
}

function notOAuth(runtime: AccountRuntime): AppError {
  const { id, type } = runtime.account;
  return new AppError('invalid_request', `Account ${id} is a ${type} account: it has no OAuth access token`, {
    details: { accountId: id },
  });
}

function refreshRejected(accountId: string, cause?: AppError): AppError {
  return new AppError(
    'upstream_auth_failed',
    `The refresh token of account ${accountId} was rejected; the account must be authorised again`,
    { cause, details: { ...cause?.details, accountId, reason: 'oauth_refresh_rejected' } },
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
