// CRS Gemini accounts: `gemini_account:{id}` hashes (geminiAccountService.createAccount), sealed with
// 'gemini-account-salt': a Google sign-in (Gemini CLI's, or Antigravity's) with `accessToken`/`refreshToken`
// sealed, `expiresAt` an ISO date ('' = refresh now), and the Code Assist project in `projectId`.
import { crsTime } from '../crs-fields.js';
import {
  type AccountSource,
  type CrsAccountKind,
  commonFields,
  credentials,
  secret,
  stateOf,
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
    if (!refreshToken)
      return { ok: false, reason: 'no refresh token (never signed in, or it could not be decrypted)' };
    const accessToken = secret(source, raw.accessToken, 'accessToken');
    const projectId = raw.projectId?.trim();
    const validProject =
      projectId && /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(projectId) ? projectId : undefined;
    if (projectId && !validProject)
      notes.push(`projectId "${projectId}" is not a Google Cloud project id; left out`);
    const supportedModels = (raw.supportedModels ?? '')
      .split(',')
      .map((model) => model.trim())
      .filter((model) => /^[A-Za-z0-9._:/@-]+\*?$/.test(model));
    const common = commonFields(source);
    return {
      ok: true,
      state: stateOf(raw, Date.now()),
      input: {
        type: 'gemini-oauth',
        ...common.fields,
        ...(validProject ? { projectId: validProject } : {}),
        supportedModels,
        credentials: credentials(
          // An empty expiry is how CRS asks for a refresh before the next use; 0 does the same here.
          {
            accessToken: accessToken ?? 'expired',
            refreshToken,
            expiresAt: accessToken ? (crsTime(raw.expiresAt) ?? 0) : 0,
          },
          common.proxyPassword,
        ),
      },
    };
  },
};
