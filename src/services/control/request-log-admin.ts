// The request log as the control plane serves it: readers see every request, members only their own keys'
// (without the accounts that served them).
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import type { Principal } from '../auth/auth-service.js';
import { type RequestLogFilter, requestLogFilterSchema } from '../request-log/request-log-filter.js';
import type { RequestLogPage, RequestLogService } from '../request-log/request-log-service.js';
import type { StoredLedgerEntry } from '../usage/ledger-entry.js';
import { parseInput } from '../validation.js';
import type { ApiKeyAdmin } from './api-key-admin.js';
import { READERS } from './roles.js';

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
  ) {}

  async list(actor: Principal, input: RequestLogQuery): Promise<RequestLogPage> {
    const { first, after, ...fields } = parseInput(requestLogQuerySchema, input);
    const filter = await this.scoped(actor, fields);
    if (!filter) return { items: [], nextCursor: undefined };
    const page = await this.log.page(filter, first, after);
    return READERS.includes(actor.role) ? page : { ...page, items: page.items.map(withoutAccount) };
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
