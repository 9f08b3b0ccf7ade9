// The signed-in session, kept in localStorage so a reload or a second tab stays signed in. Refreshing rotates
// the refresh token and the server revokes the whole family when an old one comes back, so tabs refresh one
// at a time (Web Locks) and a tab that waited takes the tokens the other one stored instead of reusing its own.

import {
  LoginDocument,
  LogoutDocument,
  RefreshSessionDocument,
  type Role,
} from '@clients/generated/graphql/graphql';
import type { RelayGraphQLClient } from '@clients/graphql-client';
import { RelayGraphQLError } from '@clients/graphql-client';

export interface SessionUser {
  id: string;
  username: string;
  role: Role;
}

export interface StoredSession {
  accessToken: string;
  refreshToken: string;
  /** Milliseconds since the epoch. */
  accessExpiresAt: number;
  /** When this tab received the access token (ms); sessions stored by older builds lack it. */
  accessIssuedAt?: number;
  user: SessionUser;
}

const STORAGE_KEY = 'relay.session';
/**
 * Refresh this long before the access token runs out, so a request never leaves with a dying token; a quarter
 * of the token's life when that is shorter (short-lived tokens would otherwise be refreshed on every request).
 */
const REFRESH_MARGIN_MS = 20_000;

function refreshMargin(session: StoredSession): number {
  if (session.accessIssuedAt === undefined) return REFRESH_MARGIN_MS;
  return Math.min(REFRESH_MARGIN_MS, (session.accessExpiresAt - session.accessIssuedAt) / 4);
}

function readStored(): StoredSession | undefined {
  const raw = localStorage.getItem(STORAGE_KEY);
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<StoredSession>;
    if (
      typeof value.accessToken === 'string' &&
      typeof value.refreshToken === 'string' &&
      typeof value.accessExpiresAt === 'number' &&
      value.user &&
      typeof value.user.id === 'string'
    ) {
      return value as StoredSession;
    }
  } catch {
    // A corrupt entry is a signed-out browser.
  }
  localStorage.removeItem(STORAGE_KEY);
  return undefined;
}

/** Why the session ended: the page shows it on the sign-in form. */
export type SignOutReason = 'signed_out' | 'expired';

export class SessionStore {
  private session: StoredSession | undefined = readStored();
  private readonly listeners = new Set<() => void>();
  private refreshing: Promise<StoredSession | undefined> | undefined;
  endedBecause: SignOutReason | undefined;

  /** `anonymous` sends requests without a token: sign-in and refresh. */
  constructor(private readonly anonymous: RelayGraphQLClient) {
    // Another tab signed in, refreshed or signed out.
    window.addEventListener('storage', (event) => {
      if (event.key !== STORAGE_KEY) return;
      this.session = readStored();
      this.emit();
    });
  }

  current(): StoredSession | undefined {
    return this.session;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async signIn(username: string, password: string): Promise<StoredSession> {
    const { login } = await this.anonymous.request(LoginDocument, { username, password });
    if (!login.user) throw new Error('The server answered the sign-in without a user');
    this.store({
      accessToken: login.accessToken,
      refreshToken: login.refreshToken,
      accessExpiresAt: Date.parse(login.accessExpiresAt),
      accessIssuedAt: Date.now(),
      user: login.user,
    });
    this.endedBecause = undefined;
    return this.session as StoredSession;
  }

  /** Ends the session on the server too (its refresh family is revoked), then forgets it here. */
  async signOut(client: RelayGraphQLClient): Promise<void> {
    try {
      if (this.session) await client.request(LogoutDocument, {});
    } catch {
      // Already ended on the server: forgetting it here is all that is left to do.
    }
    this.end('signed_out');
  }

  /** The session is no longer valid (refresh refused): back to the sign-in page. */
  end(reason: SignOutReason): void {
    this.endedBecause = reason;
    this.session = undefined;
    localStorage.removeItem(STORAGE_KEY);
    this.emit();
  }

  /** A usable access token, refreshed first when it is about to run out; undefined when signed out. */
  async accessToken(): Promise<string | undefined> {
    const session = this.session;
    if (!session) return undefined;
    if (session.accessExpiresAt - refreshMargin(session) > Date.now()) return session.accessToken;
    return (await this.refresh())?.accessToken;
  }

  /** Refreshes now (a request was refused with an expired token). Ends the session when refused. */
  refresh(): Promise<StoredSession | undefined> {
    this.refreshing ??= this.refreshOnce().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async refreshOnce(): Promise<StoredSession | undefined> {
    const before = this.session;
    if (!before) return undefined;
    const run = async () => {
      // Another tab may have refreshed while this one waited for the lock: its tokens are the live ones.
      const latest = readStored();
      if (!latest) {
        this.end('expired');
        return undefined;
      }
      if (latest.refreshToken !== before.refreshToken) {
        this.session = latest;
        this.emit();
        return latest;
      }
      try {
        const { refreshSession } = await this.anonymous.request(RefreshSessionDocument, {
          refreshToken: latest.refreshToken,
        });
        this.store({
          ...latest,
          accessToken: refreshSession.accessToken,
          refreshToken: refreshSession.refreshToken,
          accessExpiresAt: Date.parse(refreshSession.accessExpiresAt),
          accessIssuedAt: Date.now(),
        });
        return this.session;
      } catch (error) {
        if (error instanceof RelayGraphQLError) {
          this.end('expired');
          return undefined;
        }
        throw error;
      }
    };
    return navigator.locks ? navigator.locks.request('relay.session.refresh', run) : run();
  }

  private store(session: StoredSession): void {
    this.session = session;
    localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
