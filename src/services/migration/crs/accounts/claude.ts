// CRS Claude (OAuth) accounts: `claude:account:{id}` hashes (claudeAccountService.createAccount), secrets sealed
// with scrypt(ENCRYPTION_KEY, 'salt'). The tokens are in `claudeAiOauth` (sealed JSON) and, again, in the
// sealed `accessToken`/`refreshToken` fields with `expiresAt` in ms; the separate fields are what CRS refreshes.
import { crsJson, crsNumber } from '../crs-fields.js';
import {
  type AccountSource,
  accountOf,
  type CrsAccountKind,
  NO_REFRESH_TOKEN,
  oauthTokens,
  secret,
} from './crs-account-common.js';

export const CLAUDE_KIND: CrsAccountKind = {
  kind: 'claude',
  prefix: 'claude:account:',
  index: 'claude:account:index',
  storage: 'hash',
  derivation: { kind: 'scrypt', salt: 'salt' },
  map(source: AccountSource) {
    const { fields: raw, notes } = source;
    let accessToken = secret(source, raw.accessToken, 'accessToken');
    let refreshToken = secret(source, raw.refreshToken, 'refreshToken');
    let expiresAt = crsNumber(raw.expiresAt);
    if (!accessToken || !refreshToken) {
      // The blob is a snapshot from the sign-in, never refreshed: only a fallback.
      const oauth = crsJson(secret(source, raw.claudeAiOauth, 'claudeAiOauth'), notes, 'claudeAiOauth');
      if (oauth && typeof oauth === 'object') {
        const tokens = oauth as Record<string, unknown>;
        accessToken ??= typeof tokens.accessToken === 'string' ? tokens.accessToken : undefined;
        refreshToken ??= typeof tokens.refreshToken === 'string' ? tokens.refreshToken : undefined;
        expiresAt ??= typeof tokens.expiresAt === 'number' ? tokens.expiresAt : undefined;
      }
    }
    if (!refreshToken) return NO_REFRESH_TOKEN;
    if (crsNumber(raw.maxConcurrency)) {
      notes.push(
        'maxConcurrency (CRS’s per-account serial queue of user messages) has no equivalent; left out',
      );
    }
    return accountOf(source, 'claude-oauth', {}, oauthTokens(refreshToken, accessToken, expiresAt));
  },
};
