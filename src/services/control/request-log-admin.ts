// The request log as the control plane serves it: readers see every request, members only their own keys'
// (without the accounts that served them).
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import type { ApiKey } from '../api-keys/api-key-types.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Principal } from '../auth/auth-service.js';
import type { BodyCapture, CapturedBodies } from '../request-log/body-capture.js';
import { type RequestLogFilter, requestLogFilterSchema } from '../request-log/request-log-filter.js';
import type { RequestLogPage, RequestLogService } from '../request-log/request-log-service.js';
import type { StoredLedgerEntry } from '../usage/ledger-entry.js';
import { parseInput } from '../validation.js';
import type { ApiKeyAdmin } from './api-key-admin.js';
import { MANAGERS, READERS, requireRole } from './roles.js';

export const requestLogQuerySchema = requestLogFilterSchema.extend({
  first: z.number().int().min(1).max(500).default(50),
  after: z.string().max(64).optional(),
});
export type RequestLogQuery = z.input<typeof requestLogQuerySchema>;

/** One request with the attempts that failed over before it, oldest first. */
export interface RequestLogDetail {
  entry: StoredLedgerEntry;
  attempts: StoredLedgerEntry[];
}

export class RequestLogAdmin {
  constructor(
    private readonly log: RequestLogService,
    private readonly keys: ApiKeyAdmin,
    private readonly captured: BodyCapture,
    private readonly audit: AuditLog,
  ) {}

  async list(actor: Principal, input: RequestLogQuery): Promise<RequestLogPage> {
    const { first, after, ...fields } = parseInput(requestLogQuerySchema, input);
    const filter = await this.scoped(actor, fields);
    if (!filter) return { items: [], nextCursor: undefined };
    const page = await this.log.page(filter, first, after);
    return READERS.includes(actor.role) ? page : { ...page, items: page.items.map(withoutAccount) };
  }

  /**
   * For a caller who presented the relay key itself: that key's latest requests, newest first, without the
   * accounts that served them (a key holder is no reader of the pool).
   */
  async forKeyHolder(key: ApiKey, first: number): Promise<StoredLedgerEntry[]> {
    const count = parseInput(requestLogQuerySchema.shape.first, first);
    const page = await this.log.page({ keyId: key.id }, count, undefined);
    return page.items.map(withoutAccount);
  }

  /** A request by the relay's id (the `x-request-id` it answered with), and its failed-over attempts. */
  async get(actor: Principal, requestId: string): Promise<RequestLogDetail> {
    const id = parseInput(requestLogFilterSchema.shape.requestId.unwrap(), requestId);
    const filter = await this.scoped(actor, { requestId: id });
    const { items } = filter ? await this.log.page(filter, 20, undefined) : { items: [] };
    const entry = items.find((item) => item.requestId === id);
    if (!entry) throw new AppError('not_found', `No request ${id} in the request log`);
    const attempts = items.filter((item) => item !== entry).reverse();
    if (READERS.includes(actor.role)) return { entry, attempts };
    return { entry: withoutAccount(entry), attempts: attempts.map(withoutAccount) };
  }

  /**
   * A request's captured bodies (secrets already taken out), while their retention lasts. They hold what users
   * wrote, so only managers read them, and each reading is audited.
   */
  async bodies(actor: Principal, requestId: string): Promise<CapturedBodies> {
    requireRole(actor, MANAGERS);
    const id = parseInput(requestLogFilterSchema.shape.requestId.unwrap(), requestId);
    const bodies = await this.captured.read(id);
    if (!bodies) throw new AppError('not_found', `No captured bodies for request ${id}`);
    await this.audit.record({ actor: actor.userId, action: 'request_log.read_bodies', target: id });
    return bodies;
  }

  /** The filter the actor may run: undefined when a member owns no key (nothing to see). */
  private async scoped(actor: Principal, filter: RequestLogFilter): Promise<RequestLogFilter | undefined> {
    if (READERS.includes(actor.role)) return filter;
    if (filter.accountId !== undefined) {
      throw new AppError('permission_denied', 'Members see their own keys only', {
        details: { field: 'accountId' },
      });
    }
    if (filter.keyId !== undefined) {
      await this.keys.get(actor, filter.keyId);
      return filter;
    }
    const keyIds = await this.keys.visibleKeyIds(actor);
    if (keyIds === undefined) return filter;
    return keyIds.length === 0 ? undefined : { ...filter, keyIds };
  }
}

function withoutAccount(entry: StoredLedgerEntry): StoredLedgerEntry {
  return { ...entry, accountId: undefined };
}
