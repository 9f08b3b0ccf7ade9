// Account groups: readers list them, managers change them and their members. Rules live in GroupAdmin.
import {
  createGroupInputSchema,
  memberIdsSchema,
  updateGroupInputSchema,
} from '../../services/accounts/account-group-types.js';
import { entityIdSchema } from '../../services/validation.js';
import { idInput, pageInput } from '../inputs.js';
import { router, userProcedure } from '../trpc.js';

const membersInput = idInput.extend({ accountIds: memberIdsSchema });

export const groupsRouter = router({
  list: userProcedure
    .input(pageInput)
    .query(({ ctx, input }) => ctx.services.control.groups.list(ctx.principal, input)),
  get: userProcedure
    .input(idInput)
    .query(({ ctx, input }) => ctx.services.control.groups.get(ctx.principal, input.id)),
  create: userProcedure
    .input(createGroupInputSchema)
    .mutation(({ ctx, input }) => ctx.services.control.groups.create(ctx.principal, input)),
  update: userProcedure
    .input(updateGroupInputSchema.extend({ id: entityIdSchema }))
    .mutation(({ ctx, input: { id, ...patch } }) =>
      ctx.services.control.groups.update(ctx.principal, id, patch),
    ),
  addMembers: userProcedure
    .input(membersInput)
    .mutation(({ ctx, input }) =>
      ctx.services.control.groups.addMembers(ctx.principal, input.id, input.accountIds),
    ),
  removeMembers: userProcedure
    .input(membersInput)
    .mutation(({ ctx, input }) =>
      ctx.services.control.groups.removeMembers(ctx.principal, input.id, input.accountIds),
    ),
  delete: userProcedure.input(idInput).mutation(async ({ ctx, input }) => {
    await ctx.services.control.groups.delete(ctx.principal, input.id);
    return true;
  }),
});
