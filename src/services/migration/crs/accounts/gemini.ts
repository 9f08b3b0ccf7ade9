// CRS Gemini accounts: `gemini_account:{id}` hashes (geminiAccountService.createAccount), sealed with
// 'gemini-account-salt': a Google sign-in (Gemini CLI's, or Antigravity's) with `accessToken`/`refreshToken`
// sealed, `expiresAt` an ISO date ('' = refresh now), and the Code Assist project in `projectId`.
import { crsTime } from '../crs-fields.js';
import {
  type AccountSource,
  accountOf,
  type CrsAccountKind,
  NO_REFRESH_TOKEN,
  oauthTokens,
  secret,
} from './crs-account-common.js';

export const GEMINI_KIND: CrsAccountKind = {
  kind: 'gemini',
  prefix: 'gemini_account:',
  index: 'gemini_account:index',
  storage: 'hash',
  derivation: { kind: 'scrypt', salt: 'gemini-account-salt' },
  map(source: AccountSource) {
    const { fields: raw, notes } = source;
    if (raw.oauthProvider === 'antigravity') {
      return {
        ok: false,
        reason: 'an Antigravity sign-in: this relay signs in to Code Assist as Gemini CLI only',
      };
    }
    const refreshToken = secret(source, raw.refreshToken, 'refreshToken');
    if (!refreshToken) return NO_REFRESH_TOKEN;
    const accessToken = secret(source, raw.accessToken, 'accessToken');
    const projectId = raw.projectId?.trim();
    const validProject =
      projectId && /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(projectId) ? projectId : undefined;
    if (projectId && !validProject)
      notes.push(`projectId "${projectId}" is not a Google Cloud project id; left out`);
    // Stored comma-joined (createAccount hsets the raw array), '' for every model.
    const supportedModels = (raw.supportedModels ?? '')
      .split(',')
      .map((model) => model.trim())
      .filter((model) => /^[A-Za-z0-9._:/@-]+\*?$/.test(model));
    return accountOf(
      source,
      'gemini-oauth',
      { ...(validProject ? { projectId: validProject } : {}), supportedModels },
      // An empty expiry is how CRS asks for a refresh before the next use; 0 does the same here.
      oauthTokens(refreshToken, accessToken, crsTime(raw.expiresAt)),
    );
  },
};
