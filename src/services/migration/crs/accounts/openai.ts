// CRS OpenAI accounts: `openai:account:{id}` hashes (openaiAccountService.createAccount), a ChatGPT sign-in as
// Codex CLI's, sealed with 'openai-account-salt': `accessToken`/`refreshToken`/`idToken`, `expiresAt` an ISO
// date ('' = never expires there), and the ChatGPT account id in `accountId` (sent as chatgpt-account-id).
import { crsTime } from '../crs-fields.js';
import {
  type AccountSource,
  accountOf,
  type CrsAccountKind,
  NO_REFRESH_TOKEN,
  oauthTokens,
  secret,
} from './crs-account-common.js';

export const OPENAI_KIND: CrsAccountKind = {
  kind: 'openai',
  prefix: 'openai:account:',
  index: 'openai:account:index',
  storage: 'hash',
  derivation: { kind: 'scrypt', salt: 'openai-account-salt' },
  map(source: AccountSource) {
    const { fields: raw } = source;
    const refreshToken = secret(source, raw.refreshToken, 'refreshToken');
    if (!refreshToken) return NO_REFRESH_TOKEN;
    const accessToken = secret(source, raw.accessToken, 'accessToken');
    const chatgptAccountId =
      raw.accountId?.trim() || chatgptAccountOf(secret(source, raw.idToken, 'idToken'));
    if (!chatgptAccountId)
      return { ok: false, reason: 'no ChatGPT account id (accountId, or the id token’s claim)' };
    // Without an expiry CRS never refreshes; here the token is refreshed when upstream first refuses it.
    const tokens = oauthTokens(refreshToken, accessToken, crsTime(raw.expiresAt), Date.now() + 3_600_000);
    return accountOf(source, 'openai-oauth', {}, { ...tokens, chatgptAccountId });
  },
};

/** The `chatgpt_account_id` of an OpenAI id token's `https://api.openai.com/auth` claim. */
function chatgptAccountOf(idToken: string | undefined): string | undefined {
  const payload = idToken?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const auth = claims['https://api.openai.com/auth'] as Record<string, unknown> | undefined;
    const id = auth?.chatgpt_account_id;
    return typeof id === 'string' && id ? id : undefined;
  } catch {
    return undefined;
  }
}
