// Upstream accounts as the control plane manages them: CRUD, OAuth authorisation, live state and history,
// connection tests and resets. Readers (admin, operator, viewer) see accounts; managers change them; members
// have no business with the pool. Every change is audited with secret-free before/after views.
import { AppError } from '../../errors/app-error.js';
import type { Logger } from '../../lib/logger.js';
import type { AccountHealth, LiveState, StateChange } from '../accounts/account-health.js';
import type { AccountService } from '../accounts/account-service.js';
import type { Account, CreateAccountInput, UpdateAccountInput } from '../accounts/account-types.js';
import type { ConnectionTestLog, ConnectionTestResult } from '../accounts/connection-tests.js';
import type { CredentialSource } from '../accounts/credential-source.js';
import type {
  OAuthExchangeInput,
  OAuthFlow,
  OAuthReauthorizeInput,
  OAuthStart,
  OAuthStartInput,
} from '../accounts/oauth/oauth-flow.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Principal } from '../auth/auth-service.js';
import type { RecordPage } from '../redis/pagination.js';
import { MANAGERS, READERS, requireRole } from './roles.js';

/** Sends a connection test through the relay's own transports; the server provides it (services cannot). */
export interface AccountTesting {
  test(accountId: string, options: { model?: string }): Promise<ConnectionTestResult>;
}

/** What a connection tester is built over, handed to the composition root's factory. */
export interface ConnectionTesterParts {
  accounts: AccountService;
  health: AccountHealth;
  credentials: CredentialSource;
  log: ConnectionTestLog;
  logger: Logger;
}

/** What a reset did: the account (as it was; a reset changes only its live state), the transition, the state now. */
export interface AccountReset {
  account: Account;
  /** The transition made; undefined when the account was already active. */
  change: StateChange | undefined;
  live: LiveState;
}

export class AccountAdmin {
  constructor(
    private readonly accounts: AccountService,
    private readonly health: AccountHealth,
    private readonly tests: ConnectionTestLog,
    private readonly oauth: OAuthFlow,
    private readonly audit: AuditLog,
    /** Absent in processes built without the relay's transports: they cannot test. */
    private readonly tester: AccountTesting | undefined,
  ) {}

  list(actor: Principal, options: { limit?: number; cursor?: string }): Promise<RecordPage<Account>> {
    requireRole(actor, READERS);
    return this.accounts.list(options);
  }

  get(actor: Principal, id: string): Promise<Account> {
    requireRole(actor, READERS);
    return this.accounts.require(id);
  }

  /** The scheduler's view of the account now (cooling, rate limited…), expired states read as active. */
  liveState(actor: Principal, account: Account): Promise<LiveState> {
    requireRole(actor, READERS);
    return this.health.state(account.id, account.platform);
  }

  /** The live state of the account with this id (liveState, for callers that hold only the id). */
  async liveStateOf(actor: Principal, id: string): Promise<LiveState> {
    return this.liveState(actor, await this.get(actor, id));
  }

  history(actor: Principal, id: string, limit: number): Promise<StateChange[]> {
    requireRole(actor, READERS);
    return this.health.history(id, Math.min(Math.max(limit, 1), 200));
  }

  connectionTests(actor: Principal, id: string, limit: number): Promise<ConnectionTestResult[]> {
    requireRole(actor, READERS);
    return this.tests.recent(id, Math.min(Math.max(limit, 1), 20));
  }

  async create(actor: Principal, input: CreateAccountInput): Promise<Account> {
    requireRole(actor, MANAGERS);
    const account = await this.accounts.create(input);
    await this.record(actor, 'account.create', account.id, undefined, account);
    return account;
  }

  update(actor: Principal, id: string, patch: UpdateAccountInput): Promise<Account> {
    // Which secrets changed is worth auditing; their values never are.
    const detail = patch.credentials ? { credentials: Object.keys(patch.credentials).sort() } : undefined;
    return this.change(actor, id, 'account.update', () => this.accounts.update(id, patch), detail);
  }

  enable(actor: Principal, id: string): Promise<Account> {
    return this.change(actor, id, 'account.enable', () => this.accounts.enable(id));
  }

  disable(actor: Principal, id: string, reason: string | undefined): Promise<Account> {
    return this.change(actor, id, 'account.disable', () => this.accounts.disable(id, reason));
  }

  async delete(actor: Principal, id: string): Promise<void> {
    requireRole(actor, MANAGERS);
    const before = await this.accounts.require(id);
    await this.accounts.delete(id);
    await this.record(actor, 'account.delete', id, before, undefined);
  }

  /** Back into service now, whatever the scheduler had decided (cooling, rate limited, auth failed). */
  async reset(actor: Principal, id: string): Promise<LiveState> {
    return (await this.resetWithChange(actor, id)).live;
  }

  /** As `reset`, also saying what the reset changed: for callers that report it (the CLI). */
  async resetWithChange(actor: Principal, id: string): Promise<AccountReset> {
    requireRole(actor, MANAGERS);
    const account = await this.accounts.require(id);
    const before = await this.health.state(id, account.platform);
    // One reason on every surface; who reset it is the audit entry's actor.
    const change = await this.health.reset(id, account.platform, 'reset');
    const live = await this.health.state(id, account.platform);
    await this.record(actor, 'account.reset', id, before, live);
    return { account, change, live };
  }

  async test(actor: Principal, id: string, model: string | undefined): Promise<ConnectionTestResult> {
    requireRole(actor, MANAGERS);
    await this.accounts.require(id);
    if (!this.tester) {
      throw new AppError('unavailable', 'Connection tests run on a relay server; this process has none');
    }
    const result = await this.tester.test(id, model === undefined ? {} : { model });
    await this.audit.record({ actor: actor.userId, action: 'account.test', target: id, after: result });
    return result;
  }

  async oauthStart(actor: Principal, input: OAuthStartInput): Promise<OAuthStart> {
    requireRole(actor, MANAGERS);
    if (input.accountId !== undefined) await this.accounts.require(input.accountId);
    const started = await this.oauth.start(input);
    // The session id is a handle, not a secret: without the user's code it authorises nothing.
    await this.audit.record({
      actor: actor.userId,
      action: 'account.oauth_start',
      target: input.accountId ?? started.sessionId,
      detail: {
        sessionId: started.sessionId,
        type: started.type,
        ...(input.name === undefined ? {} : { name: input.name }),
      },
    });
    return started;
  }

  async oauthExchange(actor: Principal, input: OAuthExchangeInput): Promise<Account> {
    requireRole(actor, MANAGERS);
    const account = await this.oauth.exchange(input);
    await this.record(actor, 'account.oauth_exchange', account.id, undefined, account);
    return account;
  }

  async oauthReauthorize(actor: Principal, input: OAuthReauthorizeInput): Promise<Account> {
    requireRole(actor, MANAGERS);
    const before = await this.accounts.require(input.accountId);
    const account = await this.oauth.reauthorize(input);
    await this.record(actor, 'account.oauth_reauthorize', account.id, before, account);
    return account;
  }

  private async change(
    actor: Principal,
    id: string,
    action: string,
    apply: () => Promise<Account>,
    detail?: unknown,
  ): Promise<Account> {
    requireRole(actor, MANAGERS);
    const before = await this.accounts.require(id);
    const after = await apply();
    await this.record(actor, action, id, before, after, detail);
    return after;
  }

  private record(
    actor: Principal,
    action: string,
    target: string,
    before: unknown,
    after: unknown,
    detail?: unknown,
  ): Promise<void> {
    return this.audit.record({
      actor: actor.userId,
      action,
      target,
      ...(before === undefined ? {} : { before }),
      ...(after === undefined ? {} : { after }),
      ...(detail === undefined ? {} : { detail }),
    });
  }
}
