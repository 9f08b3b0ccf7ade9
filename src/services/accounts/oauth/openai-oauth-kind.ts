// ChatGPT sign-in as the Codex CLI does it at auth.openai.com. Facts followed (openai/codex, codex-rs/login):
// server.rs builds the authorize URL with id_token_add_organizations=true, codex_cli_simplified_flow=true and
// originator, and redeems the code form-encoded (grant_type, code, redirect_uri, client_id, code_verifier; no
// state); auth/manager.rs refreshes with a JSON body {client_id, grant_type, refresh_token} and treats a 401 or
// the codes refresh_token_expired / _reused / _invalidated as a dead refresh token; token_data.rs reads the
// ChatGPT account id from the id_token's `https://api.openai.com/auth` claim and the expiry from a JWT's `exp`.
import { z } from 'zod';
import { claimObject, claimText, jwtClaims } from './jwt-claims.js';
import type { OAuthKind } from './oauth-kind.js';
import { expiryOf, parseTokenAnswer, scopesOf, type TokenGrant } from './token-grant.js';

/** Codex's default `originator` (codex-rs/login/src/auth/default_client.rs). */
const ORIGINATOR = 'codex_cli_rs';

const AUTH_CLAIM = 'https://api.openai.com/auth';
const PROFILE_CLAIM = 'https://api.openai.com/profile';

/** Refusals after which only a new sign-in helps, besides a 401 (Codex's classification). */
const DEAD_REFRESH_CODES = new Set([
  'invalid_grant',
  'refresh_token_expired',
  'refresh_token_reused',
  'refresh_token_invalidated',
]);

const token = z.string().min(1).max(16_384);

/** Exchange answers carry all three tokens; refresh answers may omit the id and refresh tokens. */
const answerSchema = z.object({
  access_token: token,
  refresh_token: token.optional(),
  id_token: token.optional(),
  expires_in: z.number().positive().optional(),
  scope: z.string().max(2000).optional(),
});

export const OPENAI_OAUTH: OAuthKind = {
  label: 'ChatGPT',
  defaultAccountName: 'ChatGPT account',
  pasteBack:
    'the whole URL the browser ends on after signing in (http://localhost:1455/auth/callback?code=…; that ' +
    'page does not load, which is expected)',
  authorizeParams: {
    id_token_add_organizations: 'true',
    codex_cli_simplified_flow: 'true',
    originator: ORIGINATOR,
  },
  exchangeRequest: ({ code, verifier }, settings) => ({
    encoding: 'form',
    body: {
      grant_type: 'authorization_code',
      code,
      redirect_uri: settings.redirectUri,
      client_id: settings.clientId,
      code_verifier: verifier,
    },
  }),
  refreshRequest: (refreshToken, settings) => ({
    encoding: 'json',
    body: { client_id: settings.clientId, grant_type: 'refresh_token', refresh_token: refreshToken },
  }),
  readGrant(answer): TokenGrant {
    const parsed = parseTokenAnswer(answerSchema, answer);
    const idClaims = parsed.id_token === undefined ? undefined : jwtClaims(parsed.id_token);
    const chatgptAccountId = claimText(claimObject(idClaims, AUTH_CLAIM), 'chatgpt_account_id');
    return {
      accessToken: parsed.access_token,
      refreshToken: parsed.refresh_token,
      expiry: expiryOf(parsed.expires_in, parsed.access_token, 'The OAuth token endpoint'),
      scopes: scopesOf(parsed.scope),
      accountEmail: claimText(idClaims, 'email') ?? claimText(claimObject(idClaims, PROFILE_CLAIM), 'email'),
      organizationName: undefined,
      identity: chatgptAccountId === undefined ? {} : { chatgptAccountId },
    };
  },
  refreshRefused: ({ status, oauthError }) =>
    status === 401 || (oauthError !== undefined && DEAD_REFRESH_CODES.has(oauthError.toLowerCase())),
};
