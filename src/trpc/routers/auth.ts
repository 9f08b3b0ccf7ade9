// Sign-in: login and refresh are open to anyone; logout and password change act on the caller's own session.
import {
  changePasswordInputSchema,
  loginInputSchema,
  refreshInputSchema,
} from '../../services/auth/auth-service.js';
import { publicProcedure, router, userProcedure } from '../trpc.js';

export const authRouter = router({
  /** An access token, a single-use refresh token, and the user. */
  login: publicProcedure
    .input(loginInputSchema)
    .mutation(({ ctx, input }) => ctx.services.auth.login(input.username, input.password, ctx.address)),
  /** Rotates the refresh token; presenting a used one ends the whole session. */
  refresh: publicProcedure
    .input(refreshInputSchema)
    .mutation(({ ctx, input }) => ctx.services.auth.refresh(input.refreshToken)),
  /** Ends the session of the access token used. */
  logout: userProcedure.mutation(async ({ ctx }) => {
    await ctx.services.auth.logout(ctx.principal);
    return true;
  }),
  /** Every session of the caller ends, this one included. */
  changePassword: userProcedure.input(changePasswordInputSchema).mutation(async ({ ctx, input }) => {
    await ctx.services.auth.changePassword(ctx.principal, input.currentPassword, input.newPassword);
    return true;
  }),
});
