// Who may watch what live: validates subscription arguments and applies the role rules before handing out a
// LiveFeed stream. Admins, operators and viewers watch everything; members only their own keys.
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import type { ApiKeyService } from '../api-keys/api-key-service.js';
import type { Principal } from '../auth/auth-service.js';
import type { AccountStateEvent, LedgerEvent, LiveFeed } from '../live/live-feed.js';
import type { TickTarget, UsageTick } from '../live/usage-tick.js';
import { type RequestLogFilter, requestLogFilterSchema } from '../request-log/request-log-filter.js';
import { parseInput } from '../validation.js';
import { READERS, requireRole } from './roles.js';

const entityId = z.string().trim().min(1).max(200);

const usageTicksInput = z.discriminatedUnion('scope', [
  z.object({
    scope: z.literal('global'),
    id: z.undefined({ error: 'must be left out for the global scope' }),
  }),
  z.object({ scope: z.literal('key'), id: entityId }),
  z.object({ scope: z.literal('account'), id: entityId }),
]);

const accountStateInput = z.object({ accountId: entityId.optional() });

const MEMBERS_OWN_KEYS = 'Members watch their own keys only';

export class LiveAccess {
  constructor(
    private readonly feed: LiveFeed,
    private readonly keys: ApiKeyService,
  ) {}

  async usageTicks(actor: Principal, input: unknown): Promise<AsyncIterableIterator<UsageTick>> {
    const target: TickTarget = parseInput(usageTicksInput, input);
    if (!READERS.includes(actor.role)) {
      this.requireMember(actor);
      if (target.scope !== 'key') throw new AppError('permission_denied', MEMBERS_OWN_KEYS);
      await this.requireOwnKey(actor, target.id, 'id');
    }
    return this.feed.usageTicks(target);
  }

  /** The request log as it is written, filtered as its queries are; members see their own keys only. */
  async requestLogTail(actor: Principal, input: unknown): Promise<AsyncIterableIterator<LedgerEvent>> {
    const filter: RequestLogFilter = parseInput(requestLogFilterSchema, input ?? {});
    if (READERS.includes(actor.role)) return this.feed.requestLogTail(filter);
    this.requireMember(actor);
    if (filter.accountId !== undefined) {
      throw new AppError('permission_denied', MEMBERS_OWN_KEYS, { details: { field: 'accountId' } });
    }
    if (filter.keyId !== undefined) await this.requireOwnKey(actor, filter.keyId, 'keyId');
    // The keys owned when the subscription starts; a key created later shows in the next subscription.
    else filter.keyIds = await this.keys.ownedKeyIds(actor.userId);
    return this.feed.requestLogTail(filter, { hideAccount: true });
  }

  async accountStateChanges(
    actor: Principal,
    input: unknown,
  ): Promise<AsyncIterableIterator<AccountStateEvent>> {
    const { accountId } = parseInput(accountStateInput, input);
    requireRole(actor, READERS);
    return this.feed.accountStateChanges({ accountId });
  }

  /** Outside the readers only members have a rule here; a role added later is refused until it gets one. */
  private requireMember(actor: Principal): void {
    requireRole(actor, [...READERS, 'member']);
  }

  /** Someone else's key looks like a missing one, as everywhere members ask about keys. */
  private async requireOwnKey(actor: Principal, keyId: string, field: string): Promise<void> {
    const key = await this.keys.get(keyId);
    if (!key || key.ownerId !== actor.userId) {
      throw new AppError('not_found', `API key ${keyId} does not exist`, { details: { field } });
    }
  }
}
