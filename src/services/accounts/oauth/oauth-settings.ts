// Where Claude's OAuth endpoints are and which client this relay presents to them; defaults match the env schema.

export interface OAuthSettings {
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string;
  redirectUri: string;
  /** Space-separated, as the authorize URL carries them. */
  scopes: string;
  /** Access tokens are refreshed this long before they expire. */
  refreshSkewMs: number;
}

/**
 * The same values as the `CLAUDE_OAUTH_*` defaults in `src/config/env-schema.ts`, repeated because services
 * must not import the config layer (which imports services); a test keeps the two equal.
 */
export const DEFAULT_OAUTH_SETTINGS: OAuthSettings = {
  authorizeUrl: 'https://claude.ai/oauth/authorize',
  tokenUrl: 'https://console.anthropic.com/v1/oauth/token',
  clientId: '9d1c250a-e61b-44d9-88ed-5944d1962f5e',
  redirectUri: 'https://console.anthropic.com/oauth/code/callback',
  scopes: 'org:create_api_key user:profile user:inference',
  refreshSkewMs: 300_000,
};
