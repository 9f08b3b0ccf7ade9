// Control-plane users (admins manage them; anyone reads themselves). Rules live in UserAdmin.

import { userPatchSchema } from '../../services/users/user-service.js';
import { createUserInputSchema } from '../../services/users/user-types.js';
import { entityIdSchema } from '../../services/validation.js';
import { idInput, pageInput } from '../inputs.js';
import { router, userProcedure } from '../trpc.js';

export const usersRouter = router({
  list: userProcedure
    .input(pageInput)
    .query(({ ctx, input }) => ctx.services.control.users.list(ctx.principal, input)),
  get: userProcedure
    .input(idInput)
    .query(({ ctx, input }) => ctx.services.control.users.get(ctx.principal, input.id)),
  create: userProcedure
    .input(createUserInputSchema)
    .mutation(({ ctx, input }) => ctx.services.control.users.create(ctx.principal, input)),
  /** Role or disabled flag; either change ends the user's sessions. */
  update: userProcedure
    .input(userPatchSchema.extend({ id: entityIdSchema }))
    .mutation(({ ctx, input: { id, ...patch } }) =>
      ctx.services.control.users.update(ctx.principal, id, patch),
    ),
});
