// Where each token kind's endpoints are and which client this relay presents to them; defaults match the env schema.
import type { OAuthAccountType, TokenAccountType } from '../account-types.js';

/** What refreshing a kind's tokens needs. */
export interface TokenSettings {
  tokenUrl: string;
  clientId: string;
  /** Access tokens are refreshed this long before they expire. */
  refreshSkewMs: number;
  /** Sent with token requests by clients that have one (Google's installed-app client). */
  clientSecret?: string;
}

/** And what signing in through the relay needs, for the OAuth kinds. */
export interface OAuthSettings extends TokenSettings {
  authorizeUrl: string;
  redirectUri: string;
  /** Space-separated, as the authorize URL carries them. */
  scopes: string;
}

/** One set of settings per kind whose tokens the relay refreshes; sign-in settings for the OAuth kinds. */
export type OAuthSettingsByKind = {
  [Type in TokenAccountType]: Type extends OAuthAccountType ? OAuthSettings : TokenSettings;
};

/**
 * The same values as the `<KIND>_OAUTH_*` (Claude, OpenAI, Gemini, Droid) and `OAUTH_REFRESH_SKEW_MS` defaults in
 * `src/config/env-schema.ts`, repeated because services must not import the config layer; a test keeps the two
 * equal.
 */
export const DEFAULT_OAUTH_SETTINGS: OAuthSettingsByKind = {
  'claude-oauth': {
    authorizeUrl: 'https://claude.ai/oauth/authorize',
    tokenUrl: 'https://console.anthropic.com/v1/oauth/token',
    clientId: '9d1c250a-e61b-44d9-88ed-5944d1962f5e',
    redirectUri: 'https://console.anthropic.com/oauth/code/callback',
    scopes: 'org:create_api_key user:profile user:inference',
    refreshSkewMs: 300_000,
  },
  // The Codex CLI's public client at auth.openai.com (openai/codex codex-rs/login/src/server.rs: issuer,
  // authorize and token paths, the localhost:1455 callback; auth/manager.rs: CLIENT_ID).
  'openai-oauth': {
    authorizeUrl: 'https://auth.openai.com/oauth/authorize',
    tokenUrl: 'https://auth.openai.com/oauth/token',
    clientId: 'app_EMoamEEZ73f0CkXaXp7hrann',
    redirectUri: 'http://localhost:1455/auth/callback',
    scopes: 'openid profile email offline_access',
    refreshSkewMs: 300_000,
  },
  // Gemini CLI's installed-app client (google-gemini/gemini-cli packages/core/src/code_assist/oauth2.ts), with
  // its no-browser redirect, which shows the code for pasting.
  'gemini-oauth': {
    authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    clientId: '681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com',
    clientSecret: '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',
    redirectUri: 'https://codeassist.google.com/authcode',
    scopes:
      'https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile',
    refreshSkewMs: 300_000,
  },
  // The Droid CLI's WorkOS client (Factory's sign-in), as the old relay refreshes with it
  // (Wei-Shaw/claude-relay-service src/utils/workosOAuthHelper.js).
  droid: {
    tokenUrl: 'https://api.workos.com/user_management/authenticate',
    clientId: 'client_01HNM792M5G5G1A2THWPXKFMXB',
    refreshSkewMs: 300_000,
  },
};

/** The settings of every kind: the given ones over the defaults. */
export function oauthSettingsOf(given: Partial<OAuthSettingsByKind> | undefined): OAuthSettingsByKind {
  return { ...DEFAULT_OAUTH_SETTINGS, ...given };
}
