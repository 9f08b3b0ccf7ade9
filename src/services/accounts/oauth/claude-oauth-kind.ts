// Claude's OAuth (claude.ai sign-in, console.anthropic.com token endpoint): JSON grants that carry the state,
// answers that name the account and organisation, and `invalid_grant` for a dead refresh token.
import { z } from 'zod';
import type { OAuthKind } from './oauth-kind.js';
import { parseTokenAnswer, scopesOf } from './token-grant.js';

const token = z.string().min(1).max(8192);

const answerSchema = z.object({
  access_token: token,
  refresh_token: token.optional(),
  expires_in: z.number().positive(),
  scope: z.string().max(2000).optional(),
  account: z
    .object({ uuid: z.string().max(200).optional(), email_address: z.string().max(320).optional() })
    .nullish(),
  organization: z
    .object({ uuid: z.string().max(200).optional(), name: z.string().max(200).optional() })
    .nullish(),
});

export const CLAUDE_OAUTH: OAuthKind = {
  label: 'Claude',
  defaultAccountName: 'Claude OAuth account',
  pasteBack: 'the code the page shows after signing in (code#state)',
  // Asks Anthropic's callback page to show the code for pasting rather than redirect to a local server.
  authorizeParams: { code: 'true' },
  exchangeRequest: ({ code, verifier, state }, settings) => ({
    encoding: 'json',
    body: {
      grant_type: 'authorization_code',
      code,
      redirect_uri: settings.redirectUri,
      client_id: settings.clientId,
      code_verifier: verifier,
      // Claude's endpoint checks the state against the code.
      state,
    },
  }),
  refreshRequest: (refreshToken, settings) => ({
    encoding: 'json',
    body: { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: settings.clientId },
  }),
  readGrant(answer) {
    const parsed = parseTokenAnswer(answerSchema, answer);
    return {
      accessToken: parsed.access_token,
      refreshToken: parsed.refresh_token,
      expiry: { afterSeconds: parsed.expires_in },
      scopes: scopesOf(parsed.scope),
      accountEmail: parsed.account?.email_address,
      organizationName: parsed.organization?.name,
      identity: {},
    };
  },
  refreshRefused: ({ oauthError }) => oauthError === 'invalid_grant',
};
