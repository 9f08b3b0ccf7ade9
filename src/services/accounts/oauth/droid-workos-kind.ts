// Factory's sign-in (WorkOS User Management), whose tokens a Droid account may hold: refreshed as the Droid CLI
// does, with a form-encoded `refresh_token` grant for the CLI's public client at WorkOS's authenticate endpoint.
// Answers carry the access token (a JWT, whose `exp` is its only lifetime: WorkOS sends no `expires_in`), a new
// refresh token (they rotate), the user and the organisation. Facts from the old relay (Wei-Shaw/claude-relay-service:
// src/services/droidAccountService.js `_refreshTokensWithWorkOS`, src/utils/workosOAuthHelper.js).
import { z } from 'zod';
import type { TokenKind } from './oauth-kind.js';
import { expiryOf, parseTokenAnswer, type TokenGrant } from './token-grant.js';

const token = z.string().min(1).max(16_384);

const answerSchema = z.object({
  access_token: token,
  refresh_token: token.optional(),
  // Not sent by WorkOS today; read if it ever is, since it is the lifetime a token endpoint means.
  expires_in: z.number().positive().optional(),
  user: z.object({ email: z.string().max(320).optional() }).nullish(),
});

export const DROID_WORKOS: TokenKind = {
  label: 'Factory',
  refreshRequest: (refreshToken, settings) => ({
    encoding: 'form',
    body: { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: settings.clientId },
  }),
  readGrant(answer): TokenGrant {
    const parsed = parseTokenAnswer(answerSchema, answer);
    return {
      accessToken: parsed.access_token,
      refreshToken: parsed.refresh_token,
      expiry: expiryOf(parsed.expires_in, parsed.access_token, 'WorkOS'),
      scopes: [],
      accountEmail: parsed.user?.email,
      organizationName: undefined,
      identity: {},
    };
  },
  // WorkOS answers a spent, revoked or ended session's refresh token with the OAuth code.
  refreshRefused: ({ oauthError }) => oauthError === 'invalid_grant',
};
