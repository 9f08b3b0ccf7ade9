// The audit log, for admins: who did what to what, newest first, filtered and paginated.

import { auditQuerySchema } from '../../services/audit/audit-log.js';
import { requireRole } from '../../services/control/roles.js';
import { router, userProcedure } from '../trpc.js';

export const auditRouter = router({
  /** `action` matches exactly, or by prefix when it ends in "." (`api_key.`). */
  list: userProcedure.input(auditQuerySchema.prefault({})).query(({ ctx, input }) => {
    // The log has no admin service of its own; the rule is the shared role check GraphQL applies too.
    requireRole(ctx.principal, ['admin']);
    return ctx.services.audit.list(input);
  }),
});
