// Google sign-in as Gemini CLI does it (google-gemini/gemini-cli packages/core/src/code_assist/oauth2.ts): the
// installed-app client at accounts.google.com with `access_type=offline`, the no-browser redirect to
// codeassist.google.com (which shows the code to paste back) with PKCE, and a form-encoded token endpoint that
// takes the client secret in the body. Refresh answers carry no new refresh token (Google does not rotate them);
// `invalid_grant` means the grant was revoked or has lapsed.
import { z } from 'zod';
import { claimText, jwtClaims } from './jwt-claims.js';
import type { OAuthKind } from './oauth-kind.js';
import { parseTokenAnswer, scopesOf } from './token-grant.js';

const token = z.string().min(1).max(16_384);

const answerSchema = z.object({
  access_token: token,
  refresh_token: token.optional(),
  id_token: token.optional(),
  expires_in: z.number().positive(),
  scope: z.string().max(2000).optional(),
});

export const GEMINI_OAUTH: OAuthKind = {
  label: 'Google',
  defaultAccountName: 'Google account',
  pasteBack: 'the authorization code the page shows after signing in (or the whole URL it ends on)',
  // `consent` makes Google issue a refresh token even to a user who signed this client in before.
  authorizeParams: { access_type: 'offline', prompt: 'consent' },
  exchangeRequest: ({ code, verifier }, settings) => ({
    encoding: 'form',
    body: {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: settings.redirectUri,
      client_id: settings.clientId,
      ...(settings.clientSecret === undefined ? {} : { client_secret: settings.clientSecret }),
    },
  }),
  refreshRequest: (refreshToken, settings) => ({
    encoding: 'form',
    body: {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: settings.clientId,
      ...(settings.clientSecret === undefined ? {} : { client_secret: settings.clientSecret }),
    },
  }),
  readGrant(answer) {
    const parsed = parseTokenAnswer(answerSchema, answer);
    const idClaims = parsed.id_token === undefined ? undefined : jwtClaims(parsed.id_token);
    return {
      accessToken: parsed.access_token,
      refreshToken: parsed.refresh_token,
      expiry: { afterSeconds: parsed.expires_in },
      scopes: scopesOf(parsed.scope),
      accountEmail: claimText(idClaims, 'email'),
      organizationName: undefined,
      identity: {},
    };
  },
  refreshRefused: ({ oauthError }) => oauthError === 'invalid_grant',
};
