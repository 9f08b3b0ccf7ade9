// The usage ledger, one entry per request, filtered and paginated; members see only their own keys' entries.
import { ledgerQuerySchema } from '../../services/control/usage-reports.js';
import { router, userProcedure } from '../trpc.js';

export const ledgerRouter = router({
  /** Newest first; a page examines a bounded stretch, so a rare filter may give a short page with a cursor. */
  list: userProcedure
    .input(ledgerQuerySchema.prefault({}))
    .query(({ ctx, input }) => ctx.services.control.usage.ledger(ctx.principal, input)),
});
